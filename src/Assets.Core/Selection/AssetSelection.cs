using Assets.Graph;

namespace Assets.Selection;

/// <summary>
/// A set of assets written in Dagster's selection syntax, terms joined by commas (union):
/// <list type="bullet">
/// <item><c>raw_orders</c>: one asset;</item>
/// <item><c>*clean_orders</c>: it and everything upstream; <c>+clean_orders</c>, <c>++clean_orders</c>: it and one or two levels up;</item>
/// <item><c>raw_orders*</c>: it and everything downstream; <c>raw_orders+</c>, <c>raw_orders++</c>: it and one or two levels down
/// (both sides combine: <c>+clean_orders+</c>);</item>
/// <item><c>group:sales</c>: the assets of a group; <c>tag:tier=gold</c> or <c>tag:pii</c>: the assets with that tag;</item>
/// <item><c>*</c>: every asset.</item>
/// </list>
/// Parsing checks the syntax; <see cref="Resolve"/> checks the names against a graph.
/// </summary>
public sealed class AssetSelection
{
    private readonly IReadOnlyList<Term> _terms;

    private AssetSelection(string text, IReadOnlyList<Term> terms)
    {
        Text = text;
        _terms = terms;
    }

    /// <summary>Every asset.</summary>
    public static AssetSelection All { get; } = Parse("*");

    /// <summary>The selection as written.</summary>
    public string Text { get; }

    /// <summary>Parses a selection; throws <see cref="AssetSelectionException"/> showing the syntax when it is malformed.</summary>
    public static AssetSelection Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new AssetSelectionException("The selection is empty. " + Syntax);
        }

        var terms = new List<Term>();
        foreach (var raw in text.Split(','))
        {
            var term = raw.Trim();
            if (term.Length == 0)
            {
                throw new AssetSelectionException($"The selection '{AssetKey.Printable(text)}' has an empty term between commas. " + Syntax);
            }

            terms.Add(ParseTerm(term));
        }

        return new AssetSelection(text.Trim(), terms);
    }

    /// <summary>
    /// The selected assets in topological order; throws <see cref="AssetSelectionException"/> for a key,
    /// group or tag that does not exist, suggesting the closest one.
    /// </summary>
    public IReadOnlyList<AssetDefinition> Resolve(AssetGraph graph)
    {
        Preconditions.CheckNotNull(graph);
        var selected = new HashSet<AssetKey>();
        foreach (var term in _terms)
        {
            selected.UnionWith(term.Resolve(graph));
        }

        return graph.Assets.Where(a => selected.Contains(a.Key)).ToArray();
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private const string Syntax =
        "Write asset keys joined by commas, each optionally with '*' (all) or '+' (one level per '+') before it for upstream "
        + "and after it for downstream, for example 'raw_orders', '*rolling_revenue', 'raw_orders+', 'group:sales', 'tag:tier=gold' or '*' for everything.";

    private static Term ParseTerm(string term)
    {
        if (term == "*")
        {
            return new AllTerm();
        }

        if (term.StartsWith("group:", StringComparison.Ordinal))
        {
            var group = term["group:".Length..].Trim();
            return group.Length > 0 ? new GroupTerm(group) : throw new AssetSelectionException($"'{term}' names no group: write 'group:<name>'.");
        }

        if (term.StartsWith("tag:", StringComparison.Ordinal))
        {
            var tag = term["tag:".Length..];
            var separator = tag.IndexOf('=', StringComparison.Ordinal);
            var key = (separator < 0 ? tag : tag[..separator]).Trim();
            return key.Length > 0
                ? new TagTerm(key, separator < 0 ? null : tag[(separator + 1)..].Trim())
                : throw new AssetSelectionException($"'{term}' names no tag: write 'tag:<key>' or 'tag:<key>=<value>'.");
        }

        var start = 0;
        var up = ReadDepth(term, ref start, forward: true);
        var end = term.Length;
        var down = ReadDepth(term, ref end, forward: false);
        if (start >= end)
        {
            throw new AssetSelectionException($"'{term}' names no asset. " + Syntax);
        }

        var name = term[start..end];
        if (!AssetKey.TryParse(name, out var assetKey, out var error))
        {
            throw new AssetSelectionException($"'{AssetKey.Printable(term)}' is not a selection term: {error} " + Syntax);
        }

        return new KeyTerm(assetKey, up, down);
    }

    /// <summary>Reads '*' (unbounded, <c>null</c>) or a run of '+' (that many levels) from one end of the term.</summary>
    private static Depth ReadDepth(string term, ref int position, bool forward)
    {
        int At(int i) => forward ? term[i] : term[i - 1];
        bool Inside(int i) => forward ? i < term.Length : i > 0;
        var step = forward ? 1 : -1;
        if (Inside(position) && At(position) == '*')
        {
            position += step;
            return new Depth(true, null);
        }

        var levels = 0;
        while (Inside(position) && At(position) == '+')
        {
            levels++;
            position += step;
        }

        return new Depth(levels > 0, levels);
    }

    private readonly record struct Depth(bool Any, int? Levels);

    private abstract record Term
    {
        public abstract IEnumerable<AssetKey> Resolve(AssetGraph graph);
    }

    private sealed record AllTerm : Term
    {
        public override IEnumerable<AssetKey> Resolve(AssetGraph graph) => graph.Assets.Select(a => a.Key);
    }

    private sealed record KeyTerm(AssetKey Key, Depth Up, Depth Down) : Term
    {
        public override IEnumerable<AssetKey> Resolve(AssetGraph graph)
        {
            if (!graph.Contains(Key))
            {
                var suggestion = graph.SuggestKey(Key.Value);
                throw new AssetSelectionException($"There is no asset '{Key}'"
                    + (suggestion is null ? "; run 'list' to see the asset keys." : $"; did you mean '{suggestion}'?"));
            }

            var result = new HashSet<AssetKey> { Key };
            if (Up.Any)
            {
                result.UnionWith(graph.Upstream(Key, Up.Levels));
            }

            if (Down.Any)
            {
                result.UnionWith(graph.Downstream(Key, Down.Levels));
            }

            return result;
        }
    }

    private sealed record GroupTerm(string Group) : Term
    {
        public override IEnumerable<AssetKey> Resolve(AssetGraph graph)
        {
            var selected = graph.Assets.Where(a => a.Group == Group).Select(a => a.Key).ToArray();
            if (selected.Length == 0)
            {
                var groups = graph.Assets.Select(a => a.Group).Distinct().Order(StringComparer.Ordinal).ToArray();
                throw new AssetSelectionException($"There is no group '{Group}'{Suggestions.DidYouMean(Group, groups)}; the groups are: {string.Join(", ", groups)}.");
            }

            return selected;
        }
    }

    private sealed record TagTerm(string Key, string? Value) : Term
    {
        public override IEnumerable<AssetKey> Resolve(AssetGraph graph)
        {
            var selected = graph.Assets
                .Where(a => a.Tags.TryGetValue(Key, out var value) && (Value is null || value == Value))
                .Select(a => a.Key)
                .ToArray();
            if (selected.Length == 0)
            {
                var tags = graph.Assets.SelectMany(a => a.Tags.Select(t => t.Value.Length == 0 ? t.Key : $"{t.Key}={t.Value}")).Distinct().Order(StringComparer.Ordinal).ToArray();
                var written = Value is null ? Key : $"{Key}={Value}";
                throw new AssetSelectionException($"No asset has the tag '{written}'"
                    + (tags.Length == 0 ? "; no asset has tags." : $"{Suggestions.DidYouMean(written, tags)}; the tags in use are: {string.Join(", ", tags)}."));
            }

            return selected;
        }
    }
}

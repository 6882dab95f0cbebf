using System.Text;
using Assets.Graph;

namespace Assets.Hosting.Rendering;

/// <summary>Writes the asset graph as text, Mermaid or Graphviz dot, with non-identity mappings on the edges.</summary>
internal static class LineageFormat
{
    public const string Text = "text";
    public const string Mermaid = "mermaid";
    public const string Dot = "dot";

    public static readonly string[] All = [Text, Mermaid, Dot];

    /// <summary>The edges among <paramref name="selected"/>: both ends selected.</summary>
    public static IEnumerable<(AssetDefinition Downstream, AssetDependency Dependency)> Edges(IReadOnlyList<AssetDefinition> selected)
    {
        var keys = selected.Select(a => a.Key).ToHashSet();
        return selected.SelectMany(a => a.Dependencies.Where(d => keys.Contains(d.Upstream)).Select(d => (a, d)));
    }

    public static string WriteMermaid(IReadOnlyList<AssetDefinition> selected)
    {
        // Keys may hold '/' and '-', which Mermaid ids do not allow: number the nodes and label them.
        var ids = selected.Select((a, i) => (a.Key, Id: $"a{i}")).ToDictionary(p => p.Key, p => p.Id);
        var text = new StringBuilder("graph LR\n");
        foreach (var asset in selected)
        {
            text.Append(CultureInvariant($"  {ids[asset.Key]}[\"{MermaidEscape(asset.Key.Value)}<br/><small>{MermaidEscape(AssetDescriptions.Partitions(asset))}</small>\"]\n"));
        }

        foreach (var (downstream, dependency) in Edges(selected))
        {
            var arrow = dependency.IsData ? "-->" : "-.->";
            var label = AssetDescriptions.IsIdentity(dependency) ? string.Empty : $"|\"{MermaidEscape(AssetDescriptions.Mapping(dependency))}\"|";
            text.Append(CultureInvariant($"  {ids[dependency.Upstream]} {arrow}{label} {ids[downstream.Key]}\n"));
        }

        return text.ToString();
    }

    public static string WriteDot(IReadOnlyList<AssetDefinition> selected)
    {
        var text = new StringBuilder("digraph assets {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n");
        foreach (var asset in selected)
        {
            text.Append(CultureInvariant($"  \"{DotEscape(asset.Key.Value)}\" [label=\"{DotEscape(asset.Key.Value)}\\n{DotEscape(AssetDescriptions.Partitions(asset))}\"];\n"));
        }

        foreach (var (downstream, dependency) in Edges(selected))
        {
            var attributes = new List<string>();
            if (!AssetDescriptions.IsIdentity(dependency))
            {
                attributes.Add($"label=\"{DotEscape(AssetDescriptions.Mapping(dependency))}\"");
            }

            if (!dependency.IsData)
            {
                attributes.Add("style=dashed");
            }

            var suffix = attributes.Count == 0 ? string.Empty : $" [{string.Join(", ", attributes)}]";
            text.Append(CultureInvariant($"  \"{DotEscape(dependency.Upstream.Value)}\" -> \"{DotEscape(downstream.Key.Value)}\"{suffix};\n"));
        }

        return text.Append("}\n").ToString();
    }

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);

    private static string MermaidEscape(string text) => text.Replace("\"", "#quot;", StringComparison.Ordinal);

    private static string DotEscape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}

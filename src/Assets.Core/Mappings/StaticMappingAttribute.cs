namespace Assets.Mappings;

/// <summary>
/// Connects two different static lists: <c>[StaticMapping("us -> north_america", "ca -> north_america", "de -> europe")]</c>,
/// each pair <c>upstream_key -> downstream_key</c>. See <see cref="StaticPartitionMapping"/>.
/// </summary>
public sealed class StaticMappingAttribute : PartitionMappingAttribute
{
    private const string Arrow = "->";

    /// <summary>Declares the pairs, each <c>"upstream_key -> downstream_key"</c>.</summary>
    public StaticMappingAttribute(params string[] pairs) => Pairs = pairs ?? [];

    /// <summary>The pairs, as given.</summary>
    public IReadOnlyList<string> Pairs { get; }

    /// <inheritdoc />
    public override PartitionMapping CreateMapping()
    {
        var parsed = new List<(string Upstream, string Downstream)>();
        foreach (var pair in Pairs)
        {
            var parts = (pair ?? string.Empty).Split(Arrow);
            if (parts.Length != 2 || string.IsNullOrWhiteSpace(parts[0]) || string.IsNullOrWhiteSpace(parts[1]))
            {
                throw new DefinitionException(
                    $"[StaticMapping]: '{AssetKey.Printable(pair ?? string.Empty)}' is not a pair: write \"upstream_key -> downstream_key\", for example \"us -> north_america\".");
            }

            parsed.Add((parts[0].Trim(), parts[1].Trim()));
        }

        if (parsed.Count == 0)
        {
            throw new DefinitionException("[StaticMapping] needs at least one pair, for example [StaticMapping(\"us -> north_america\")].");
        }

        return new StaticPartitionMapping(parsed);
    }
}

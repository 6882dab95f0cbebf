using Assets.Mappings;
using Assets.Partitions;
using NodaTime;

namespace Assets.Graph;

/// <summary>
/// The validated graph of a project's assets: every asset with its dependencies, in topological order
/// (upstream before downstream, ties broken by key so the order is stable), with walks up and down the
/// graph and the exact partitions one asset partition reads or is read by. Immutable and thread-safe.
/// Built by <see cref="AssetGraphBuilder"/>.
/// </summary>
public sealed class AssetGraph
{
    private readonly Dictionary<AssetKey, AssetDefinition> _byKey;
    private readonly Dictionary<AssetKey, IReadOnlyList<AssetDefinition>> _downstream;

    internal AssetGraph(IReadOnlyList<AssetDefinition> topologicallyOrdered)
    {
        Assets = topologicallyOrdered;
        _byKey = topologicallyOrdered.ToDictionary(a => a.Key);
        var downstream = topologicallyOrdered.ToDictionary(a => a.Key, _ => new List<AssetDefinition>());
        foreach (var asset in topologicallyOrdered)
        {
            foreach (var upstream in asset.Dependencies.Select(d => d.Upstream).Distinct())
            {
                downstream[upstream].Add(asset);
            }
        }

        _downstream = downstream.ToDictionary(p => p.Key, p => (IReadOnlyList<AssetDefinition>)p.Value);
    }

    /// <summary>Every asset, upstream before downstream.</summary>
    public IReadOnlyList<AssetDefinition> Assets { get; }

    /// <summary>Every asset check, by asset in topological order.</summary>
    public IEnumerable<AssetCheckDefinition> Checks => Assets.SelectMany(a => a.Checks);

    /// <summary>The asset with <paramref name="key"/>; throws <see cref="UnknownAssetException"/> with a suggestion.</summary>
    public AssetDefinition this[AssetKey key]
        => _byKey.TryGetValue(key, out var asset) ? asset : throw Unknown(key.Value);

    /// <summary>The asset with the key written by a user; throws <see cref="UnknownAssetException"/> with a suggestion.</summary>
    public AssetDefinition Get(string key)
        => AssetKey.TryParse(key, out var parsed, out _) && _byKey.TryGetValue(parsed, out var asset) ? asset : throw Unknown(key);

    /// <summary>Whether the graph has an asset with <paramref name="key"/>.</summary>
    public bool Contains(AssetKey key) => _byKey.ContainsKey(key);

    /// <summary>The assets <paramref name="key"/> depends on directly, in dependency order.</summary>
    public IReadOnlyList<AssetDefinition> UpstreamOf(AssetKey key)
        => this[key].Dependencies.Select(d => d.Upstream).Distinct().Select(k => _byKey[k]).ToArray();

    /// <summary>The assets that depend directly on <paramref name="key"/>, in topological order.</summary>
    public IReadOnlyList<AssetDefinition> DownstreamOf(AssetKey key)
        => _downstream.TryGetValue(key, out var downstream) ? downstream : throw Unknown(key.Value);

    /// <summary>
    /// The assets upstream of <paramref name="key"/> up to <paramref name="depth"/> levels (all of them when
    /// <c>null</c>), not including <paramref name="key"/> itself.
    /// </summary>
    public IReadOnlySet<AssetKey> Upstream(AssetKey key, int? depth = null) => Walk(key, depth, k => UpstreamOf(k));

    /// <summary>
    /// The assets downstream of <paramref name="key"/> up to <paramref name="depth"/> levels (all of them when
    /// <c>null</c>), not including <paramref name="key"/> itself.
    /// </summary>
    public IReadOnlySet<AssetKey> Downstream(AssetKey key, int? depth = null) => Walk(key, depth, DownstreamOf);

    /// <summary>
    /// The upstream partitions <paramref name="partition"/> reads, dependency by dependency, through each
    /// dependency's mapping, as of <paramref name="asOf"/> (which decides what "all" and "last" partitions are).
    /// </summary>
    public IReadOnlyList<(AssetDependency Dependency, MappedPartitions Partitions)> GetUpstreamPartitions(AssetPartition partition, Instant asOf)
    {
        var asset = this[partition.Asset];
        var result = new List<(AssetDependency, MappedPartitions)>(asset.Dependencies.Count);
        foreach (var dependency in asset.Dependencies)
        {
            var upstream = _byKey[dependency.Upstream];
            result.Add((dependency, dependency.Mapping.GetUpstream(partition.Partition, asset.Partitions, upstream.Partitions, asOf)));
        }

        return result;
    }

    /// <summary>
    /// The downstream partitions that read <paramref name="partition"/>, directly (one level), through each
    /// downstream dependency's mapping, as of <paramref name="asOf"/>. Each appears once.
    /// </summary>
    public IReadOnlyList<AssetPartition> GetDownstreamPartitions(AssetPartition partition, Instant asOf)
    {
        var upstream = this[partition.Asset];
        var result = new List<AssetPartition>();
        var seen = new HashSet<AssetPartition>();
        foreach (var downstream in DownstreamOf(partition.Asset))
        {
            foreach (var dependency in downstream.Dependencies.Where(d => d.Upstream == partition.Asset))
            {
                foreach (var key in dependency.Mapping.GetDownstream(partition.Partition, downstream.Partitions, upstream.Partitions, asOf))
                {
                    var downstreamPartition = new AssetPartition(downstream.Key, key);
                    if (seen.Add(downstreamPartition))
                    {
                        result.Add(downstreamPartition);
                    }
                }
            }
        }

        return result;
    }

    /// <summary>The existing key closest to <paramref name="text"/>, when close enough to be a typo.</summary>
    public string? SuggestKey(string text) => Suggestions.Closest(text, _byKey.Keys.Select(k => k.Value));

    /// <summary>Parses a partition key of <paramref name="asset"/>, or fails with the valid form and range.</summary>
    public static PartitionKey? ParsePartition(AssetDefinition asset, string? text)
        => asset.Partitions switch
        {
            null when text is null => null,
            null => throw new PartitionKeyException($"{asset.Key} is not partitioned: leave out the partition (it has exactly one)."),
            { } when text is null => throw new PartitionKeyException($"{asset.Key} is partitioned: name one of its partitions ('list' shows them)."),
            { } definition => definition.ParseKey(text),
        };

    private UnknownAssetException Unknown(string key) => new(key, SuggestKey(key));

    private static HashSet<AssetKey> Walk(AssetKey start, int? depth, Func<AssetKey, IReadOnlyList<AssetDefinition>> next)
    {
        var seen = new HashSet<AssetKey>();
        var frontier = new List<AssetKey> { start };
        for (var level = 0; frontier.Count > 0 && (depth is null || level < depth); level++)
        {
            var following = new List<AssetKey>();
            foreach (var key in frontier)
            {
                foreach (var neighbour in next(key))
                {
                    if (neighbour.Key != start && seen.Add(neighbour.Key))
                    {
                        following.Add(neighbour.Key);
                    }
                }
            }

            frontier = following;
        }

        return seen;
    }
}

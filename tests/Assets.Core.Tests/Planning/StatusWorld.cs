using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using Assets.Planning;
using NodaTime;

namespace Assets.Core.Tests.Planning;

/// <summary>
/// An in-memory picture of the metadata store for one graph: stored states and recorded upstream versions,
/// written the way the executor writes them (a materialization records the data versions of the upstream
/// partitions it read through its mappings).
/// </summary>
internal sealed class StatusWorld
{
    public static readonly Instant EndOfJanuary = Instant.FromUtc(2026, 3, 1, 0, 0);

    private readonly Dictionary<AssetPartition, PartitionState> _states = [];
    private readonly Dictionary<AssetPartition, IReadOnlyList<UpstreamVersion>> _recorded = [];
    private readonly Dictionary<AssetPartition, ObservedSource> _observations = [];

    public StatusWorld(params Type[] projects) => Graph = new AssetGraphBuilder().AddTypes(projects).Build();

    public AssetGraph Graph { get; }

    public static AssetPartition P(string asset, string? key = null)
        => new(AssetKey.Parse(asset), key is null ? null : new PartitionKey(key));

    /// <summary>Materializes every partition that exists at <paramref name="asOf"/>, upstream first, each with data version <paramref name="version"/>.</summary>
    public StatusWorld PublishAll(Instant asOf, string version = "v1")
    {
        foreach (var asset in Graph.Assets)
        {
            foreach (var key in Keys(asset, asOf))
            {
                Publish(new AssetPartition(asset.Key, key), version, asOf);
            }
        }

        return this;
    }

    /// <summary>Materializes one partition: records what its upstream partitions hold now, then publishes <paramref name="version"/>.</summary>
    public StatusWorld Publish(AssetPartition partition, string version, Instant? asOf = null, string? codeVersion = null)
    {
        var read = new List<UpstreamVersion>();
        var seen = new HashSet<AssetPartition>();
        foreach (var (dependency, mapped) in Graph.GetUpstreamPartitions(partition, asOf ?? EndOfJanuary))
        {
            foreach (var key in mapped.Keys)
            {
                var upstream = new AssetPartition(dependency.Upstream, key);
                if (seen.Add(upstream) && _states.TryGetValue(upstream, out var state) && state.DataVersion is { } dataVersion)
                {
                    read.Add(new UpstreamVersion(upstream.Asset, upstream.Partition, dataVersion));
                }
            }
        }

        if (read.Count > 0)
        {
            _recorded[partition] = read;
        }
        else
        {
            _recorded.Remove(partition);
        }

        _states[partition] = new PartitionState(
            partition,
            PartitionStatus.Published,
            null,
            null,
            version,
            codeVersion ?? Graph[partition.Asset].CodeVersion,
            1,
            asOf ?? EndOfJanuary,
            asOf ?? EndOfJanuary);
        return this;
    }

    /// <summary>Replaces the stored data version of a partition without touching what it read: someone republished it.</summary>
    public StatusWorld Republish(AssetPartition partition, string version)
    {
        _states[partition] = _states[partition] with { DataVersion = version, Sequence = _states[partition].Sequence + 1 };
        return this;
    }

    public StatusWorld SetStatus(AssetPartition partition, PartitionStatus status, string? cause = null)
    {
        _states[partition] = _states.TryGetValue(partition, out var state)
            ? state with { Status = status, Cause = cause }
            : new PartitionState(partition, status, cause, null, null, null, null, null, EndOfJanuary);
        return this;
    }

    public StatusWorld Forget(AssetPartition partition)
    {
        _states.Remove(partition);
        _recorded.Remove(partition);
        return this;
    }

    public StatusWorld WithCodeVersion(string asset, string codeVersion)
    {
        foreach (var (partition, state) in _states.Where(s => s.Key.Asset.Value == asset).ToList())
        {
            _states[partition] = state with { CodeVersion = codeVersion };
        }

        return this;
    }

    public StatusGrid Evaluate(Instant? asOf = null)
        => StatusEvaluator.Evaluate(Graph, _states.Values.ToList(), _recorded, asOf ?? EndOfJanuary, _observations);

    /// <summary>Records that <paramref name="partition"/> was built from source version <paramref name="sourceVersion"/>, as the executor does.</summary>
    public StatusWorld BuiltFromSource(AssetPartition partition, string sourceVersion)
    {
        _recorded[partition] = [.. _recorded.GetValueOrDefault(partition) ?? [], StatusEvaluator.SourceVersionEntry(partition, sourceVersion)];
        return this;
    }

    /// <summary>Stores the latest observation of <paramref name="partition"/>'s source: arrived in <paramref name="version"/>, or absent when null.</summary>
    public StatusWorld Observe(AssetPartition partition, string? version, Instant? at = null)
    {
        _observations[partition] = new ObservedSource(partition, version is not null, version, $"orders/{partition.Partition}.csv", at ?? EndOfJanuary);
        return this;
    }

    public static IReadOnlyList<PartitionKey?> Keys(AssetDefinition asset, Instant asOf)
        => asset.Partitions is null ? [null] : asset.Partitions.GetKeys(asOf).Select(k => (PartitionKey?)k).ToList();

    /// <summary>The stale partitions as text, <c>rolling_revenue[2026-01-05]</c>, in ordinal order.</summary>
    public static IReadOnlyList<string> Stale(StatusGrid grid)
        => grid.Rows.Where(r => r.Status == PartitionStatus.Stale).Select(r => r.Partition.ToString()).Order(StringComparer.Ordinal).ToList();

    /// <summary>Asserts that exactly <paramref name="expected"/> are stale, in any order.</summary>
    public static void AssertStale(IEnumerable<string> expected, StatusGrid grid)
        => Assert.Equal(expected.Order(StringComparer.Ordinal), Stale(grid));

    /// <summary><c>asset[yyyy-MM-dd]</c> for each day from <paramref name="first"/> to <paramref name="last"/> of January 2026.</summary>
    public static IEnumerable<string> Days(string asset, int first, int last)
        => Enumerable.Range(first, last - first + 1).Select(d => $"{asset}[2026-01-{d:00}]");
}

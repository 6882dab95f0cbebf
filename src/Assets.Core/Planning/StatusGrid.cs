using Assets.Graph;
using NodaTime;

namespace Assets.Planning;

/// <summary>
/// The partition status grid: the evaluated status of every (asset, partition) that exists at
/// <see cref="AsOf"/>, assets in topological order and each asset's partitions in partition order (time order,
/// static declaration order, time-major for two dimensions; one row with a <c>null</c> partition for an
/// unpartitioned asset). Built by <see cref="StatusEvaluator.Evaluate"/>. Immutable and thread-safe.
/// </summary>
public sealed class StatusGrid
{
    private readonly Dictionary<AssetKey, AssetStatuses> _byAsset;

    internal StatusGrid(Instant asOf, IReadOnlyList<AssetKey> assets, Dictionary<AssetKey, AssetStatuses> byAsset)
    {
        AsOf = asOf;
        Assets = assets;
        _byAsset = byAsset;
        foreach (var statuses in byAsset.Values)
        {
            Count += statuses.Rows.Length;
        }
    }

    /// <summary>The instant the grid was evaluated at: which partitions exist, and what "all" and "last" partitions read.</summary>
    public Instant AsOf { get; }

    /// <summary>The assets of the grid, in topological order.</summary>
    public IReadOnlyList<AssetKey> Assets { get; }

    /// <summary>The number of rows.</summary>
    public int Count { get; }

    /// <summary>Every row, asset by asset in topological order, each asset's partitions in order.</summary>
    public IEnumerable<PartitionStatusRow> Rows
    {
        get
        {
            foreach (var asset in Assets)
            {
                foreach (var row in _byAsset[asset].Rows)
                {
                    yield return row;
                }
            }
        }
    }

    /// <summary>The row of <paramref name="partition"/>; throws <see cref="KeyNotFoundException"/> when the grid has none.</summary>
    public PartitionStatusRow this[AssetPartition partition]
        => TryGet(partition, out var row)
            ? row
            : throw new KeyNotFoundException($"The status grid has no row for {partition}: the asset is not in the graph, or the partition does not exist as of {AsOf}.");

    /// <summary>The rows of <paramref name="asset"/> in partition order; throws <see cref="KeyNotFoundException"/> when the asset is not in the grid.</summary>
    public IReadOnlyList<PartitionStatusRow> RowsOf(AssetKey asset)
        => Find(asset)?.ReadOnlyRows ?? throw new KeyNotFoundException($"The status grid has no asset {asset}.");

    /// <summary>The row of <paramref name="partition"/>, or <c>false</c> when the grid has none.</summary>
    public bool TryGet(AssetPartition partition, out PartitionStatusRow row)
    {
        if (Find(partition.Asset) is { } statuses && statuses.Space.IndexOf(partition.Partition) is var index and >= 0)
        {
            row = statuses.Rows[index];
            return true;
        }

        row = default;
        return false;
    }

    /// <summary>The same rows, stamped with another instant at which the same partitions exist.</summary>
    internal StatusGrid WithAsOf(Instant asOf) => asOf == AsOf ? this : new StatusGrid(asOf, Assets, _byAsset);

    internal AssetStatuses? Find(AssetKey asset) => asset is not null && _byAsset.TryGetValue(asset, out var statuses) ? statuses : null;
}

/// <summary>The rows of one asset, by position in its <see cref="PartitionSpace"/>.</summary>
internal sealed class AssetStatuses(AssetDefinition definition, PartitionSpace space, StatusRows rows)
{
    public AssetDefinition Definition { get; } = definition;

    public PartitionSpace Space { get; } = space;

    public StatusRows Rows { get; } = rows;

    public IReadOnlyList<PartitionStatusRow> ReadOnlyRows => Rows;
}

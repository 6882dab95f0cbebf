using Assets.Graph;
using Assets.Metadata;

namespace Assets.Storage.Metadata;

/// <summary>
/// The partition states this process read from or committed to <c>partition_states</c>, by asset: the state read of every
/// step's claim is answered from here instead of going to DuckDB each time. DuckDB looks a row up through the table's
/// primary key only for literal keys, never for a prepared statement's parameters, so that read scanned the table and
/// grew with it (0.5 ms of CPU a read at 1,700 rows, 1.2 ms at 100,000); instead, the first read of an asset's partition
/// reads all of that asset's rows in one scan, and later reads of its partitions, present or not, need none. Sound for
/// the same reason leases are kept in memory: the file has one process, and every write of the table goes through its
/// store, which brings an entry up to date when a group commit lands and forgets everything when a transaction rewrites
/// states in bulk (reconciliation). Used under the store's lock only. Bounded: an asset with more rows than
/// <see cref="MaxEntries"/> is not kept, and past that many entries it starts again empty.
/// </summary>
internal sealed class KnownStates
{
    /// <summary>The most states kept (about 100 bytes each beyond the state itself).</summary>
    public const int MaxEntries = 100_000;

    private readonly Dictionary<AssetPartition, PartitionState?> _states = [];

    // Assets all of whose rows are here: a partition of theirs that is not has no row.
    private readonly HashSet<AssetKey> _wholeAssets = [];

    // Assets with too many rows to keep: their partitions are read (and kept) one at a time.
    private readonly HashSet<AssetKey> _largeAssets = [];

    /// <summary>How many partitions' states are known.</summary>
    public int Count => _states.Count;

    /// <summary>
    /// The partition's committed state when known: <c>true</c>, with <paramref name="state"/> <c>null</c> when it has no
    /// row; <c>false</c> when the table must be asked.
    /// </summary>
    public bool TryGet(AssetPartition partition, out PartitionState? state)
    {
        if (_states.TryGetValue(partition, out state))
        {
            return true;
        }

        return _wholeAssets.Contains(partition.Asset);
    }

    /// <summary>Whether <paramref name="asset"/> had too many rows to keep whole: read its partitions one at a time.</summary>
    public bool IsLarge(AssetKey asset) => _largeAssets.Contains(asset);

    /// <summary>Records what the table holds for <paramref name="partition"/> now (<c>null</c>: no row).</summary>
    public void Remember(AssetPartition partition, PartitionState? state)
    {
        if (_states.Count >= MaxEntries && !_states.ContainsKey(partition))
        {
            Forget();
        }

        _states[partition] = state;
    }

    /// <summary>Records every row the table holds for <paramref name="asset"/>, unless there are too many to keep.</summary>
    public void RememberAsset(AssetKey asset, IReadOnlyList<PartitionState> states)
    {
        if (states.Count > MaxEntries / 2)
        {
            _largeAssets.Add(asset);
            return;
        }

        if (_states.Count + states.Count > MaxEntries)
        {
            Forget();
        }

        foreach (var state in states)
        {
            _states[state.Partition] = state;
        }

        _wholeAssets.Add(asset);
    }

    /// <summary>Forgets every state: the table was changed by more than rows this class was told of.</summary>
    public void Forget()
    {
        _states.Clear();
        _wholeAssets.Clear();
    }
}

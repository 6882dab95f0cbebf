using Assets.Graph;
using Assets.Metadata;

namespace Assets.Storage.Metadata;

/// <summary>
/// The partition states this process last read from or committed to <c>partition_states</c> (an absent row too), so the
/// state read of every step's claim does not go to DuckDB again. DuckDB looks a row up through the table's primary key
/// only for literal keys, never for a prepared statement's parameters, so that read scanned the table and grew with it
/// (0.5 ms of CPU a read at 1,700 rows, 1.2 ms at 100,000). Sound for the same reason leases are kept in memory: the
/// file has one process, and every write of the table goes through its store, which brings an entry up to date when a
/// group commit lands and forgets them all when a transaction rewrites states in bulk (reconciliation). Used under the
/// store's lock only. Bounded: past <see cref="MaxEntries"/> it starts again empty.
/// </summary>
internal sealed class KnownStates
{
    /// <summary>The most states kept (about 100 bytes each beyond the state itself).</summary>
    public const int MaxEntries = 100_000;

    private readonly Dictionary<AssetPartition, PartitionState?> _states = [];

    /// <summary>How many partitions' states are known.</summary>
    public int Count => _states.Count;

    /// <summary>The partition's committed state when known; <paramref name="state"/> is <c>null</c> when it has no row.</summary>
    public bool TryGet(AssetPartition partition, out PartitionState? state) => _states.TryGetValue(partition, out state);

    /// <summary>Records what the table holds for <paramref name="partition"/> now (<c>null</c>: no row).</summary>
    public void Remember(AssetPartition partition, PartitionState? state)
    {
        if (_states.Count >= MaxEntries && !_states.ContainsKey(partition))
        {
            _states.Clear();
        }

        _states[partition] = state;
    }

    /// <summary>Forgets every state: the table was changed by more than rows this class was told of.</summary>
    public void Forget() => _states.Clear();
}

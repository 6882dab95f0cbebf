using Assets.Graph;
using Assets.Metadata;

namespace Assets.Storage.Metadata;

/// <summary>
/// The states a write of <c>partition_states</c> is given, checked and made one per partition, the same in the embedded
/// (DuckDB) and the shared (PostgreSQL) metadata store: one statement may touch a key only once.
/// </summary>
internal static class StateRows
{
    /// <summary>The states with one per partition, the last given winning.</summary>
    /// <exception cref="ArgumentException">A state is null or has no asset.</exception>
    public static List<PartitionState> LastPerPartition(IReadOnlyList<PartitionState> states, string parameterName)
    {
        var last = new Dictionary<AssetPartition, int>(states.Count);
        for (var i = 0; i < states.Count; i++)
        {
            var state = states[i] ?? throw new ArgumentException("A state is null.", parameterName);
            if (state.Partition.Asset is null)
            {
                throw new ArgumentException($"State {i} has no asset.", parameterName);
            }

            last[state.Partition] = i;
        }

        if (last.Count == states.Count)
        {
            return [.. states];
        }

        var rows = new List<PartitionState>(last.Count);
        for (var i = 0; i < states.Count; i++)
        {
            if (last[states[i].Partition] == i)
            {
                rows.Add(states[i]);
            }
        }

        return rows;
    }

    /// <summary>
    /// The states of a reconciliation, one per partition: each must be of an existing pointer, published or stale.
    /// </summary>
    /// <exception cref="ArgumentException">A state is null, has no asset, or is neither published nor stale.</exception>
    public static List<PartitionState> Reconciled(IReadOnlyList<PartitionState> published, string parameterName)
    {
        foreach (var state in published)
        {
            ArgumentNullException.ThrowIfNull(state, parameterName);
            if (state.Status is not (PartitionStatus.Published or PartitionStatus.Stale))
            {
                throw new ArgumentException(
                    $"Reconciliation takes the states of existing pointers, published or stale; {state.Partition} is {state.Status}.",
                    parameterName);
            }
        }

        return LastPerPartition(published, parameterName);
    }
}

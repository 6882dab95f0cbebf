using NodaTime;

namespace Assets.Partitions;

/// <summary>
/// Consecutive partitions of one asset materialized by one call of its body (see <see cref="RangeRunsAttribute"/>),
/// in partition order, with the interval from the first's start to the last's end. Immutable.
/// </summary>
public sealed record PartitionKeyRange
{
    /// <summary>Creates the range.</summary>
    /// <param name="keys">The partitions, in order; at least one.</param>
    /// <param name="interval">From the first window's start to the last's end; <c>null</c> when the partitions are not time windows.</param>
    public PartitionKeyRange(IReadOnlyList<PartitionKey> keys, Interval? interval)
    {
        Preconditions.CheckNotNull(keys);
        Preconditions.CheckArgument(keys.Count > 0, "A partition key range holds at least one partition.", nameof(keys));
        Keys = keys;
        Interval = interval;
    }

    /// <summary>The partitions, first to last.</summary>
    public IReadOnlyList<PartitionKey> Keys { get; }

    /// <summary>The first partition.</summary>
    public PartitionKey First => Keys[0];

    /// <summary>The last partition.</summary>
    public PartitionKey Last => Keys[^1];

    /// <summary>From the first window's start to the last window's end, or <c>null</c>.</summary>
    public Interval? Interval { get; }

    /// <summary><c>2026-01-01..2026-01-31</c>, or the one key.</summary>
    public override string ToString() => Keys.Count == 1 ? First.ToString() : $"{First}..{Last}";
}

using Assets.Partitions;
using NodaTime;

namespace Assets.Freshness;

/// <summary>The freshness of one asset at an instant. Immutable.</summary>
/// <param name="Asset">The asset.</param>
/// <param name="Policy">Its policy.</param>
/// <param name="State">Fresh, warn, overdue or unknown.</param>
/// <param name="Lag">
/// How late it is: for a partitioned asset the time since the end of the oldest partition that should be published
/// and is not (zero when all are); for an unpartitioned one the age of its last publish; <c>null</c> when unknown.
/// </param>
/// <param name="Overdue">The partitions past their deadline, oldest first (unpartitioned: empty).</param>
/// <param name="Warned">The partitions past the warn threshold but not their deadline.</param>
/// <param name="Cause">Why it has its state, in words.</param>
public sealed record AssetFreshness(
    AssetKey Asset, FreshnessPolicy Policy, FreshnessState State, Duration? Lag, IReadOnlyList<PartitionKey> Overdue, IReadOnlyList<PartitionKey> Warned, string Cause);

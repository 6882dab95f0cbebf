using Assets.Partitions;

namespace Assets.Planning;

/// <summary>
/// The partitions a <c>--from A --to B</c> range picked in one time-partitioned asset (see <see cref="PartitionRange"/>),
/// whatever their status, so a user sees what a date range means in each asset's zone and cadence.
/// </summary>
/// <param name="Asset">The asset.</param>
/// <param name="Count">How many partitions the range picked (every static key of each window of a time x static asset).</param>
/// <param name="First">The first key picked, or <c>null</c> when none was.</param>
/// <param name="Last">The last key picked, or <c>null</c> when none was.</param>
public sealed record RangePick(AssetKey Asset, int Count, PartitionKey? First, PartitionKey? Last);

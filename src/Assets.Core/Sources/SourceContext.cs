using Assets.Graph;
using Assets.Partitions;

namespace Assets;

/// <summary>Which partition an observer (<see cref="SourceObserverAttribute"/>) is asked about.</summary>
/// <param name="Partition">The asset and partition (a <c>null</c> partition for an unpartitioned asset).</param>
/// <param name="TimeWindow">The partition's time window, for a time-partitioned asset; <c>null</c> otherwise.</param>
public sealed record SourceContext(AssetPartition Partition, PartitionTimeWindow? TimeWindow)
{
    /// <summary>The partition's key, or <c>null</c> for an unpartitioned asset.</summary>
    public PartitionKey? PartitionKey => Partition.Partition;
}

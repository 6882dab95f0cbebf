using Assets.Partitions;

namespace Assets.Graph;

/// <summary>One partition of one asset; <see cref="Partition"/> is <c>null</c> for an unpartitioned asset.</summary>
/// <param name="Asset">The asset.</param>
/// <param name="Partition">The partition, or <c>null</c> for an unpartitioned asset.</param>
public readonly record struct AssetPartition(AssetKey Asset, PartitionKey? Partition)
{
    /// <summary><c>raw_orders[2026-01-05]</c>, or <c>all_time_summary</c> when unpartitioned.</summary>
    public override string ToString() => Partition is { } key ? $"{Asset}[{key}]" : Asset.Value;
}

using Assets.Partitions;

namespace Assets.Metadata;

/// <summary>
/// One input a materialization read: the upstream asset, its partition and the data version read, so a
/// later republish of that partition with another data version marks the materialization stale.
/// </summary>
/// <param name="Asset">The upstream asset.</param>
/// <param name="Partition">The upstream partition, or <c>null</c> for an unpartitioned upstream.</param>
/// <param name="DataVersion">The data version that was read.</param>
public sealed record UpstreamVersion(AssetKey Asset, PartitionKey? Partition, string DataVersion);

using Assets.Graph;

namespace Assets.Metadata;

/// <summary>
/// A lease as its holder took it: the partition, the holder and the fencing epoch. The epoch grows by one each time the
/// lease on a partition changes hands, so a holder whose lease expired and was taken by another (then perhaps
/// released) can tell: its epoch is no longer the partition's. Immutable.
/// </summary>
/// <param name="Partition">The leased partition.</param>
/// <param name="Holder">The run holding it.</param>
/// <param name="Epoch">The fencing epoch of this holding (1 for the first ever).</param>
public sealed record LeaseClaim(AssetPartition Partition, RunId Holder, long Epoch);

using Assets.Graph;

namespace Assets.Storage.Publishing;

/// <summary>Another run holds the lease of a partition, so this run must not write it now.</summary>
public sealed class PartitionLeasedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PartitionLeasedException(AssetPartition partition)
        : base($"{partition} is being materialized by another run right now (it holds the partition's lease); try again when that run has finished.")
        => Partition = partition;

    /// <summary>The partition.</summary>
    public AssetPartition Partition { get; }
}

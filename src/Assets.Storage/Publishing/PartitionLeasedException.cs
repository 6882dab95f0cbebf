using Assets.Execution;
using Assets.Graph;

namespace Assets.Storage.Publishing;

/// <summary>Another run holds the lease of a partition, so this run must not write it now.</summary>
public sealed class PartitionLeasedException : LeaseHeldException
{
    /// <summary>Creates the exception.</summary>
    public PartitionLeasedException(AssetPartition partition)
        : this(partition, null)
    {
    }

    /// <summary>Creates the exception naming the run that holds the lease.</summary>
    public PartitionLeasedException(AssetPartition partition, RunId? holder)
        : base(
            partition,
            holder,
            $"{partition} is being materialized by {(holder is { } run ? $"run {run}" : "another run")} right now (it holds the partition's lease); try again when that run has finished.")
    {
    }
}

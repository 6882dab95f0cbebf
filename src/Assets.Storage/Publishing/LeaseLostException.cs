using Assets.Execution;
using Assets.Graph;

namespace Assets.Storage.Publishing;

/// <summary>
/// The lease of a partition being materialized changed hands (it expired while this run was stalled, and another run
/// took it): this attempt must not publish, and it does not touch the partition's state, which is the new holder's now.
/// Not retried: the partition is the other run's.
/// </summary>
public sealed class LeaseLostException : NonRetryableException
{
    /// <summary>Creates the exception.</summary>
    public LeaseLostException(AssetPartition partition, long epoch, bool pointerWritten = false)
        : base(
            pointerWritten
                ? $"{partition}: this attempt's lease (epoch {epoch}) changed hands just as its pointer was written; the record of the publish was refused and the partition is the other holder's (reconciliation indexes whichever pointer stands)."
                : $"{partition}: this attempt's lease (epoch {epoch}) expired and another run or worker took the partition, so this attempt stopped without publishing. "
                    + "If steps stall for longer than the lease lasts, raise Assets:Leases:Duration.")
    {
        Partition = partition;
        Epoch = epoch;
    }

    /// <summary>The partition.</summary>
    public AssetPartition Partition { get; }

    /// <summary>The epoch this run held.</summary>
    public long Epoch { get; }
}

using Assets.Graph;

namespace Assets.Execution;

/// <summary>
/// Another run holds the lease of a partition, so this run must not write it now (thrown by
/// <see cref="IMaterializationStore.BeginAsync(Graph.AssetPartition, RunId, CancellationToken)"/>). The executor waits for such a lease, within
/// <see cref="ExecutionOptions.LeaseWait"/>, rather than fail the step.
/// </summary>
public class LeaseHeldException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="partition">The partition.</param>
    /// <param name="holder">The run holding the lease, when known.</param>
    /// <param name="message">What happened and what to do.</param>
    public LeaseHeldException(AssetPartition partition, RunId? holder, string message)
        : base(message)
    {
        Partition = partition;
        Holder = holder;
    }

    /// <summary>The partition.</summary>
    public AssetPartition Partition { get; }

    /// <summary>The run holding the lease, or <c>null</c> when the store did not say.</summary>
    public RunId? Holder { get; }
}

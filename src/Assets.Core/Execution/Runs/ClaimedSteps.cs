using Assets.Graph;

namespace Assets.Execution;

/// <summary>
/// Work of run <see cref="Run"/> that one process took on its own, outside a whole run of the executor: a worker's claim
/// of a queued step (one (asset, partition), or every step of one range run, which share one call of the body). The
/// steps' upstream steps have published already (the queue hands out only ready steps), so
/// <see cref="ExecutionStep.DependsOn"/> is not waited for. Immutable.
/// </summary>
/// <param name="Run">The run the steps belong to: their events, manifests and spans name it.</param>
/// <param name="Steps">One step, or the steps of one range run (each with the same <see cref="ExecutionStep.RunsWith"/>).</param>
/// <param name="LeaseHolder">
/// The identity the partitions' leases are held under, new for each claim: a step claimed again after this claim expired
/// holds its lease under another identity, so the lease's fencing epoch moves on and this attempt cannot publish.
/// </param>
public sealed record ClaimedSteps(RunId Run, IReadOnlyList<ExecutionStep> Steps, RunId LeaseHolder)
{
    /// <summary>The partitions claimed, in the order of <see cref="Steps"/>.</summary>
    public IEnumerable<AssetPartition> Partitions => Steps.Select(s => s.Partition);
}

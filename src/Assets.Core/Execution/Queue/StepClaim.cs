using Assets.Graph;
using NodaTime;

namespace Assets.Execution.Queue;

/// <summary>
/// One worker's hold of one queued step (<see cref="IStepQueue.ClaimAsync"/>): the step to run and the token that
/// proves the hold. Renew it before <see cref="ExpiresAt"/>; complete or release it when done. Immutable.
/// </summary>
/// <param name="Run">The step's run.</param>
/// <param name="Origin">What started the run.</param>
/// <param name="Priority">The run's priority.</param>
/// <param name="Step">The step, as the executor runs it (dependencies within the run, range, reason).</param>
/// <param name="CodeVersion">The code version the enqueuer's build had for the asset (the worker's has it too).</param>
/// <param name="Worker">The claiming worker.</param>
/// <param name="Attempt">
/// The claim token: 1 for the first claim of the step, one more each time it changes hands. Renewals and the
/// completion must carry it; an older attempt's are refused.
/// </param>
/// <param name="ExpiresAt">When the claim lapses unless renewed.</param>
public sealed record StepClaim(
    RunId Run,
    RunOrigin Origin,
    StepPriority Priority,
    ExecutionStep Step,
    string CodeVersion,
    WorkerId Worker,
    int Attempt,
    Instant ExpiresAt)
{
    /// <summary>The step's partition.</summary>
    public AssetPartition Partition => Step.Partition;
}

using NodaTime;

namespace Assets.Execution.Queue;

/// <summary>A worker asking for steps (<see cref="IStepQueue.ClaimAsync"/>). Immutable.</summary>
/// <param name="Worker">The worker, registered with <see cref="IStepQueue.RegisterWorkerAsync"/>.</param>
/// <param name="MaxSteps">How many claims it can take now (its free slots; a range run counts as one); at least 1.</param>
/// <param name="CodeVersions">
/// The code version of every asset in the worker's build, by asset: a step is claimed only when its
/// <see cref="QueuedStep.CodeVersion"/> is the one here.
/// </param>
/// <param name="Now">The worker's clock.</param>
/// <param name="StepLeaseTtl">How long a claim holds without renewal.</param>
/// <param name="WorkerTtl">A worker whose heartbeat is older than this is dead: its slots leave the pool.</param>
public sealed record ClaimRequest(
    WorkerId Worker,
    int MaxSteps,
    IReadOnlyDictionary<AssetKey, string> CodeVersions,
    Instant Now,
    Duration StepLeaseTtl,
    Duration WorkerTtl)
{
    /// <summary>
    /// How many claims of one step may lapse (expire without a completion) before the step fails instead of being claimed
    /// again, so a step that kills or stalls every worker that runs it does not go round the pool for ever; it fails with
    /// <c>claimed N times, and each claim lapsed without an outcome: ...</c> and its downstream is skipped. Counted when a
    /// claim finds the lapsed claim. <c>null</c> (the default): no limit.
    /// </summary>
    public int? MaxAttempts { get; init; }
}

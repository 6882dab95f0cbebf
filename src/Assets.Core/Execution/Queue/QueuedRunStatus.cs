using Assets.Graph;
using NodaTime;

namespace Assets.Execution.Queue;

/// <summary>A queued run as it stands (<see cref="IStepQueue.GetRunAsync"/>), for a waiting <c>materialize</c>'s progress and exit code. Immutable.</summary>
/// <param name="Run">The run.</param>
/// <param name="Origin">What started it.</param>
/// <param name="Priority">Its priority.</param>
/// <param name="EnqueuedAt">When it was enqueued.</param>
/// <param name="CancelRequested">Whether it was cancelled (running steps may still be stopping).</param>
/// <param name="Steps">Every step, in the order enqueued.</param>
public sealed record QueuedRunStatus(
    RunId Run,
    RunOrigin Origin,
    StepPriority Priority,
    Instant EnqueuedAt,
    bool CancelRequested,
    IReadOnlyList<QueuedStepStatus> Steps)
{
    /// <summary>Whether every step has ended.</summary>
    public bool IsFinished => Steps.All(s => s.State >= QueuedStepState.Published);

    /// <summary>
    /// The run's outcome once <see cref="IsFinished"/>, by the executor's rule: cancelled when it was cancelled and a
    /// step ended cancelled, failed when a step failed or was quarantined, else completed; <c>null</c> before.
    /// </summary>
    public RunOutcome? Outcome
        => !IsFinished ? null
            : CancelRequested && Steps.Any(s => s.State == QueuedStepState.Cancelled) ? RunOutcome.Cancelled
            : Steps.Any(s => s.State is QueuedStepState.Failed or QueuedStepState.Quarantined) ? RunOutcome.Failed
            : RunOutcome.Completed;
}

/// <summary>One step of a queued run as it stands. Immutable.</summary>
/// <param name="Partition">The step's partition.</param>
/// <param name="State">Where it stands.</param>
/// <param name="Attempt">The latest claim's attempt; 0 before its first claim.</param>
/// <param name="Worker">The worker of the latest claim; <c>null</c> before the first.</param>
/// <param name="Note">
/// Why a ready step is not running, in words: <c>waiting for a worker with code version X; worker W runs Y</c> (or
/// <c>...; worker W does not define the asset</c>); <c>null</c> when there is nothing to say.
/// </param>
/// <param name="Result">
/// How it ended, once it has (<see cref="StepResult.Checks"/> empty: check results live in the metadata store); for a
/// step that never ran, its cause (<c>upstream X failed</c>, the cancellation's).
/// </param>
/// <param name="UpdatedAt">When the step last changed.</param>
public sealed record QueuedStepStatus(
    AssetPartition Partition,
    QueuedStepState State,
    int Attempt,
    WorkerId? Worker,
    string? Note,
    StepResult? Result,
    Instant UpdatedAt);

/// <summary>A queued run's steps counted by state (<see cref="IStepQueue.ListRunsAsync"/>). Immutable.</summary>
/// <param name="Run">The run.</param>
/// <param name="Origin">What started it.</param>
/// <param name="Priority">Its priority.</param>
/// <param name="EnqueuedAt">When it was enqueued.</param>
/// <param name="CancelRequested">Whether it was cancelled.</param>
/// <param name="Counts">How many of its steps are in each state; states with none are left out.</param>
public sealed record QueuedRunSummary(
    RunId Run,
    RunOrigin Origin,
    StepPriority Priority,
    Instant EnqueuedAt,
    bool CancelRequested,
    IReadOnlyDictionary<QueuedStepState, int> Counts)
{
    /// <summary>Whether every step has ended.</summary>
    public bool IsFinished => Counts.Keys.All(s => s >= QueuedStepState.Published);
}

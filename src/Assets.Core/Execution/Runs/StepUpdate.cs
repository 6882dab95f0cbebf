using Assets.Graph;

namespace Assets.Execution;

/// <summary>Where a step is, reported through <see cref="IProgress{T}"/> while a run goes on.</summary>
public enum StepPhase
{
    /// <summary>An attempt started.</summary>
    Started,

    /// <summary>An attempt failed with a transient error; another follows after a delay.</summary>
    Retrying,

    /// <summary>The step ended; <see cref="StepUpdate.Result"/> says how.</summary>
    Finished,

    /// <summary>
    /// Another run holds the partition's lease; the step waits for it (<see cref="ExecutionOptions.LeaseWait"/>).
    /// <see cref="StepUpdate.Message"/> names the run: <c>waiting for run X, which is materializing it</c>.
    /// </summary>
    WaitingForLease,
}

/// <summary>A progress report of one step. Immutable.</summary>
/// <param name="Partition">The step's asset partition.</param>
/// <param name="Phase">What happened.</param>
/// <param name="Attempt">The attempt concerned (0 for a step that ended without running).</param>
/// <param name="Message">The error of a failed attempt, or the cause of the end; <c>null</c> otherwise.</param>
/// <param name="Result">The step's result when <see cref="Phase"/> is <see cref="StepPhase.Finished"/>, else <c>null</c>.</param>
public sealed record StepUpdate(AssetPartition Partition, StepPhase Phase, int Attempt, string? Message, StepResult? Result);

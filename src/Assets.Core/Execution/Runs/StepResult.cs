using Assets.Graph;
using Assets.Metadata;
using NodaTime;

namespace Assets.Execution;

/// <summary>The outcome of one step of a run. Immutable.</summary>
/// <param name="Partition">The asset partition of the step.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Attempts">Attempts made (0 for a step that never ran).</param>
/// <param name="Duration">Time from the first attempt's start to the end of the step (zero for a step that never ran).</param>
/// <param name="Cause">
/// Why it ended so, as a sentence: the error of a failed step, the failed checks of a quarantined one,
/// <c>upstream X failed</c> for a skipped one; <c>null</c> for a published step, unless another run published the partition
/// while this step waited for its lease (<see cref="ExecutionOptions.LeaseWait"/>): then who did, and no materialization of its own.
/// </param>
/// <param name="ErrorType">The full name of the exception that ended a failed or waiting step, or <c>null</c>.</param>
/// <param name="MaterializationId">The materialization published or quarantined, or <c>null</c>.</param>
/// <param name="Rows">Rows written, or <c>null</c> when nothing was written (a report, a step that did not get so far).</param>
/// <param name="DataVersion">The data version published, or <c>null</c>.</param>
/// <param name="Checks">The check results of the last attempt, in declaration order.</param>
/// <param name="Warnings">Non-blocking check failures, as sentences; publishing went on despite them.</param>
public sealed record StepResult(
    AssetPartition Partition,
    StepOutcome Outcome,
    int Attempts,
    Duration Duration,
    string? Cause,
    string? ErrorType,
    MaterializationId? MaterializationId,
    long? Rows,
    string? DataVersion,
    IReadOnlyList<CheckRecord> Checks,
    IReadOnlyList<string> Warnings)
{
    /// <summary>A step that ended without running an attempt (skipped, or cancelled before it started).</summary>
    internal static StepResult NotRun(AssetPartition partition, StepOutcome outcome, string cause)
        => new(partition, outcome, 0, Duration.Zero, cause, null, null, null, null, [], []);

    /// <summary>
    /// Why the steps downstream of this one, which did not publish, are skipped: <c>upstream X failed</c> (was
    /// quarantined, is waiting for its source, was skipped); a skipped step passes its own cause on. The in-process
    /// executor and the step queue word it alike.
    /// </summary>
    internal string DownstreamSkipCause()
        => Outcome == StepOutcome.Skipped && Cause is { } rootCause
            ? rootCause
            : $"upstream {Partition} " + Outcome switch
            {
                StepOutcome.Failed => "failed",
                StepOutcome.Quarantined => "was quarantined",
                StepOutcome.Waiting => "is waiting for its source",
                _ => "was skipped",
            };
}

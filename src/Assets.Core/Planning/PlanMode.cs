namespace Assets.Planning;

/// <summary>
/// Which partitions in the range a plan materializes (a backfill's reprocess mode). Whatever the mode but
/// <see cref="Eager"/>, a partition another run is materializing is planned: its step waits for that run, then runs unless
/// the run published it; eager automation blocks it instead.
/// </summary>
public enum PlanMode
{
    /// <summary>
    /// The default: partitions that are missing or stale, and those whose last attempt failed, was quarantined or
    /// found its source absent (waiting), so a re-run tries them again. Published partitions are left alone.
    /// </summary>
    MissingOrStale,

    /// <summary>Every partition in the range (<c>--force</c>, a backfill's <c>all</c>), published or not.</summary>
    Force,

    /// <summary>Only partitions that were never published (<c>missing</c>): stale, failed and quarantined ones are left alone.</summary>
    Missing,

    /// <summary>
    /// Partitions that are missing, or whose last attempt failed, was quarantined or is waiting for its source
    /// (<c>failed-and-missing</c>): what a backfill retries after a bad night, leaving stale ones for later.
    /// </summary>
    FailedAndMissing,

    /// <summary>
    /// What eager automation runs (<see cref="AutomationAttribute"/>): partitions that are missing, stale or waiting for
    /// their source, and failed ones whose run died (<see cref="Metadata.Interruption"/>: not the asset's fault) fewer times
    /// in a row than the asset's <see cref="RetryPolicy.MaxAttempts"/>; but not other failed or quarantined ones (a person
    /// decides when to retry those, so a broken input is not retried every tick) unless their source was observed in a new
    /// version since, nor those whose source the latest
    /// observation found absent; a partition whose last attempt found its source absent is tried again once
    /// <see cref="Planner.EagerWaitingRetry"/> has passed (at once when an observation says the source arrived). A partition that reads a stale upstream partition which is not a step of the plan is
    /// blocked: materialized now it would read data about to change, and be stale again.
    /// </summary>
    Eager,
}

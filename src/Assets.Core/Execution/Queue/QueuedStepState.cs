namespace Assets.Execution.Queue;

/// <summary>
/// Where a queued step stands. <see cref="Pending"/> → <see cref="Ready"/> → <see cref="Running"/> → one of the
/// ends; a running step whose claim expires or is released goes back to <see cref="Ready"/> (the next attempt). The
/// last six are final and match <see cref="StepOutcome"/> one for one.
/// </summary>
public enum QueuedStepState
{
    /// <summary>Waiting for steps it depends on to publish.</summary>
    Pending,

    /// <summary>Claimable: everything it depends on published (it may still wait for a worker of its code version; see <see cref="QueuedStepStatus.Note"/>).</summary>
    Ready,

    /// <summary>Claimed by a worker, which renews the claim while it runs the step.</summary>
    Running,

    /// <summary>Ended: published.</summary>
    Published,

    /// <summary>Ended: failed.</summary>
    Failed,

    /// <summary>Ended: skipped because a step upstream did not publish.</summary>
    Skipped,

    /// <summary>Ended: quarantined by a blocking check.</summary>
    Quarantined,

    /// <summary>Ended: its source has not arrived.</summary>
    Waiting,

    /// <summary>Ended: the run was cancelled before the step finished.</summary>
    Cancelled,
}

namespace Assets.Metadata;

/// <summary>What a <see cref="RunEvent"/> reports. Stored by name, so members may be added but never renamed.</summary>
public enum RunEventKind
{
    /// <summary>A run started.</summary>
    RunStarted,

    /// <summary>A run finished with every step published or skipped for a reason other than failure.</summary>
    RunCompleted,

    /// <summary>A run finished with at least one failed step.</summary>
    RunFailed,

    /// <summary>A run was cancelled.</summary>
    RunCancelled,

    /// <summary>A step (one asset partition) started an attempt.</summary>
    StepStarted,

    /// <summary>A step's attempt failed with a transient error and will be retried.</summary>
    StepRetrying,

    /// <summary>A step published its partition.</summary>
    StepPublished,

    /// <summary>A step failed for good.</summary>
    StepFailed,

    /// <summary>A step did not run (an upstream failed, or there was nothing to do).</summary>
    StepSkipped,

    /// <summary>A blocking check failed on a step's staged data; nothing was published.</summary>
    StepQuarantined,

    /// <summary>A step's source has not arrived yet.</summary>
    StepWaiting,

    /// <summary>A check was evaluated.</summary>
    CheckEvaluated,

    /// <summary>A partition was re-pointed at an earlier materialization.</summary>
    RolledBack,

    /// <summary>The metadata store was reconciled with the published pointers.</summary>
    Reconciled,

    /// <summary>Data and manifests no pointer references were removed.</summary>
    GarbageCollected,

    /// <summary>The daemon found an asset's freshness state changed (or its state when it started); the run is the daemon's session.</summary>
    FreshnessChanged,

    /// <summary>The daemon observed a partition's source arrive, change or vanish; the run is the daemon's session.</summary>
    SourceObserved,

    /// <summary>The daemon noticed partitions of an asset become due (their time windows ended); the run is the daemon's session.</summary>
    PartitionsDue,

    /// <summary>A materialization or rollback replaced a pointer that could not be read (damaged); the message says what it held.</summary>
    PointerReplaced,

    /// <summary>
    /// A step's run died before it finished (found when the store was next opened): the partition is failed as
    /// interrupted (<see cref="Interruption"/>), which eager automation retries; the run is the reconciliation's.
    /// </summary>
    StepInterrupted,

    /// <summary>A step found its partition leased by another run (named in the message) and waits for it to finish.</summary>
    StepWaitingForLease,

    /// <summary>
    /// A step's attempt found that its partition's lease, or a worker's claim of the step, changed hands while it ran (it
    /// stalled past its lease: a paused process, a lost network): the attempt stopped, and nothing it wrote was published
    /// or recorded over the new holder's work. The message names the epoch or claim it held.
    /// </summary>
    LeaseLost,
}

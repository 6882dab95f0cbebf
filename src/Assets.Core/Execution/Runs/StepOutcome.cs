namespace Assets.Execution;

/// <summary>How one step of a run ended.</summary>
public enum StepOutcome
{
    /// <summary>The partition was published.</summary>
    Published,

    /// <summary>Every attempt failed, or one failed with an error a retry cannot fix; the partition is marked failed.</summary>
    Failed,

    /// <summary>The step did not run because a step it depends on did not publish.</summary>
    Skipped,

    /// <summary>A blocking check failed on the staged data; nothing was published, the staged data is kept.</summary>
    Quarantined,

    /// <summary>The body reported that its source has not arrived yet (<see cref="SourceNotArrivedException"/>).</summary>
    Waiting,

    /// <summary>The run was cancelled before the step finished (or started); nothing of it was published.</summary>
    Cancelled,
}

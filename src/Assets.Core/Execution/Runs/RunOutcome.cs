namespace Assets.Execution;

/// <summary>How a run ended as a whole.</summary>
public enum RunOutcome
{
    /// <summary>No step failed or was quarantined (some may be waiting for their source or skipped because of it).</summary>
    Completed,

    /// <summary>At least one step failed or was quarantined.</summary>
    Failed,

    /// <summary>The run was cancelled; steps not finished by then are <see cref="StepOutcome.Cancelled"/>.</summary>
    Cancelled,
}

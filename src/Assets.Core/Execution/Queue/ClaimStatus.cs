namespace Assets.Execution.Queue;

/// <summary>What a renewal found (<see cref="IStepQueue.RenewAsync"/>).</summary>
public enum ClaimStatus
{
    /// <summary>Still this worker's: extended.</summary>
    Held,

    /// <summary>Still this worker's and extended, but the run was cancelled: stop and complete the step as cancelled.</summary>
    CancelRequested,

    /// <summary>Not this worker's any more (expired and claimed again, completed, released, or the run removed): stop, publish nothing.</summary>
    Lost,
}

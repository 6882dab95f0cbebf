using Assets.Execution.Queue;

namespace Assets.Hosting.Workers;

/// <summary>
/// One unit of a worker's work while it runs: the claims of one step (or of the steps of one range run, claimed together),
/// the token that stops them, and what the renewals found. Thread-safe: the heartbeat marks it while the step runs.
/// </summary>
internal sealed class RunningClaim : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private volatile bool _lost;
    private volatile bool _cancelRequested;

    public RunningClaim(IReadOnlyList<StepClaim> claims, CancellationToken shutdown)
    {
        Claims = claims;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
    }

    /// <summary>The claims, in queue order.</summary>
    public IReadOnlyList<StepClaim> Claims { get; }

    /// <summary>Cancelled when the step must stop: its claim was lost, its run cancelled, or the worker's grace ran out.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>The step's run and work, once started.</summary>
    public Task Running { get; set; } = Task.CompletedTask;

    /// <summary>Whether a renewal found a claim in another worker's hands: nothing of this unit may be recorded in the queue.</summary>
    public bool Lost => _lost;

    /// <summary>Whether a renewal found the run cancelled: the steps end cancelled and are completed so.</summary>
    public bool CancelRequested => _cancelRequested;

    /// <summary>A claim changed hands: stop the step.</summary>
    public void MarkLost()
    {
        _lost = true;
        Stop();
    }

    /// <summary>The run was cancelled: stop the step.</summary>
    public void MarkCancelRequested()
    {
        _cancelRequested = true;
        Stop();
    }

    public void Dispose() => _stop.Dispose();

    private void Stop()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The unit already ended.
        }
    }
}

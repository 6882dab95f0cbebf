using NodaTime;

namespace Assets.Execution.Queue;

/// <summary>A worker process joining the pool (<see cref="IStepQueue.RegisterWorkerAsync"/>). Immutable.</summary>
/// <param name="Id">The worker's id.</param>
/// <param name="Host">The machine it runs on (for people reading status).</param>
/// <param name="ProcessId">Its process id on that machine.</param>
/// <param name="Slots">How many steps it runs at once: its share of the pool; at least 1.</param>
/// <param name="StartedAt">When it started; its first heartbeat.</param>
public sealed record QueueWorker(WorkerId Id, string Host, int ProcessId, int Slots, Instant StartedAt)
{
    /// <summary>How many steps it runs at once; at least 1.</summary>
    public int Slots { get; init; } = Slots >= 1 ? Slots : throw new ArgumentOutOfRangeException(nameof(Slots), Slots, $"A worker needs at least one slot, not {Slots}.");
}

/// <summary>A registered worker as the queue sees it (<see cref="IStepQueue.ListWorkersAsync"/>). Immutable.</summary>
/// <param name="Worker">What it registered.</param>
/// <param name="HeartbeatAt">Its latest heartbeat.</param>
/// <param name="IsAlive">Whether that heartbeat is younger than the worker TTL asked with: only live workers' slots are in the pool.</param>
/// <param name="RunningSteps">Claims it holds now (not expired).</param>
public sealed record QueueWorkerStatus(QueueWorker Worker, Instant HeartbeatAt, bool IsAlive, int RunningSteps);

namespace Assets.Hosting.Configuration;

/// <summary>
/// Settings of the <c>worker</c> command (the shared mode), bound from <c>Assets:Worker</c>. A worker claims steps from the
/// PostgreSQL step queue and holds each claim for <see cref="ClaimTtl"/>, renewing it every <see cref="Heartbeat"/>
/// while the step runs; a worker that dies (kill -9, a lost machine) loses its claims when they expire, and its steps are
/// claimed again by another worker as their next attempt.
/// </summary>
public sealed class WorkerOptions
{
    /// <summary>The default of <see cref="ClaimTtl"/>.</summary>
    public const string DefaultClaimTtl = "1m";

    /// <summary>The default of <see cref="PollInterval"/>.</summary>
    public const string DefaultPollInterval = "5s";

    /// <summary>The default of <see cref="ShutdownGrace"/>.</summary>
    public const string DefaultShutdownGrace = "20s";

    /// <summary>The default of <see cref="QueueRetention"/>.</summary>
    public const string DefaultQueueRetention = "7d";

    /// <summary>How many steps a worker runs at once (the command's <c>--slots</c> wins). Default: none, the number of cores; at least 1.</summary>
    public int? Slots { get; set; }

    /// <summary>
    /// How long a claim of a step (and the worker's registration) holds without renewal, as <c>30s</c>, <c>1m</c>: the
    /// longest a dead worker's step waits before another worker takes it. The worker's partition leases last no longer
    /// than this either (<c>Assets:Leases:Duration</c> if shorter). Default: <c>1m</c>.
    /// </summary>
    public string ClaimTtl { get; set; } = DefaultClaimTtl;

    /// <summary>How often a worker renews its claims and announces itself alive; shorter than <see cref="ClaimTtl"/>. Default: none, a third of it.</summary>
    public string? Heartbeat { get; set; }

    /// <summary>
    /// How often a waiting worker (or a <c>materialize</c> waiting for its queued run) looks at the queue when no
    /// notification woke it (PostgreSQL LISTEN/NOTIFY wakes it at once normally). Default: <c>5s</c>.
    /// </summary>
    public string PollInterval { get; set; } = DefaultPollInterval;

    /// <summary>
    /// On Ctrl+C or SIGTERM a worker stops claiming and lets its running steps finish for at most this long, then
    /// cancels them (nothing partial is published) and gives their claims back, so another worker takes them at once.
    /// At most <c>25s</c> (the process is ended 30 seconds after the signal). Default: <c>20s</c>.
    /// </summary>
    public string ShutdownGrace { get; set; } = DefaultShutdownGrace;

    /// <summary>
    /// How long the step queue keeps a finished run's steps (what <c>materialize</c> follows and the UI lists) and a
    /// silent worker's registration. Workers remove older ones when they start and every hour after; the event log and the
    /// partition states keep every outcome regardless. Default: <c>7d</c>; at least <c>1h</c>.
    /// </summary>
    public string QueueRetention { get; set; } = DefaultQueueRetention;
}

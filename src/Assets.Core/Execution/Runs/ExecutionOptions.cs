namespace Assets.Execution;

/// <summary>How <see cref="AssetExecutor"/> runs steps. Immutable once built; invariants are checked as properties are set.</summary>
public sealed class ExecutionOptions
{
    private readonly int _maxParallelism = Environment.ProcessorCount;
    private readonly TimeProvider _timeProvider = TimeProvider.System;
    private readonly NodaTime.Duration _leaseWait = DefaultLeaseWait;

    /// <summary>The default of <see cref="LeaseWait"/>: 5 minutes.</summary>
    public static NodaTime.Duration DefaultLeaseWait { get; } = NodaTime.Duration.FromMinutes(5);

    /// <summary>
    /// How many steps may run at once; at least 1. Default: <see cref="Environment.ProcessorCount"/>
    /// (the CLI's <c>--parallel N</c>).
    /// </summary>
    public int MaxParallelism
    {
        get => _maxParallelism;
        init
        {
            if (value < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxParallelism), value, $"MaxParallelism must be at least 1 (1 runs one step at a time), not {value}.");
            }

            _maxParallelism = value;
        }
    }

    /// <summary>
    /// The process's step slots this run shares with other runs (see <see cref="StepSlots"/> for the rule that keeps
    /// backfills from starving current work); <c>null</c> (the default) when the run has the process to itself.
    /// </summary>
    public StepSlots? Slots { get; init; }

    /// <summary>Whose work this run is, when it shares <see cref="Slots"/>; default <see cref="StepPriority.Current"/>.</summary>
    public StepPriority Priority { get; init; } = StepPriority.Current;

    /// <summary>
    /// How long a step whose partition another run is materializing (it holds the partition's lease) waits for that run
    /// before it fails naming it; zero fails at once. While it waits the step reports <see cref="StepPhase.WaitingForLease"/>
    /// and logs <see cref="Metadata.RunEventKind.StepWaitingForLease"/>; once the lease is free it asks
    /// <see cref="StillNeededAfterLeaseWait"/> whether the other run already did the work. Default: <see cref="DefaultLeaseWait"/>
    /// (configuration <c>Assets:Execution:LeaseWait</c>).
    /// </summary>
    public NodaTime.Duration LeaseWait
    {
        get => _leaseWait;
        init
        {
            if (value < NodaTime.Duration.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(LeaseWait), value, $"LeaseWait cannot be negative ({value}): zero fails a step at once when another run holds its partition.");
            }

            _leaseWait = value;
        }
    }

    /// <summary>
    /// Asked, after a step waited for another run's lease, whether its partition still needs this run: its caller plans it
    /// again against what is published now. <c>false</c>: the other run published what was asked, and the step ends
    /// <see cref="StepOutcome.Published"/> without running (its cause says by whom). <c>null</c> (the default), or
    /// <c>true</c>: the step runs as planned (what <c>--force</c> wants).
    /// </summary>
    public Func<Graph.AssetPartition, CancellationToken, Task<bool>>? StillNeededAfterLeaseWait { get; init; }

    /// <summary>
    /// When the run's plan read the store (<c>Plan.AsOf</c>). With <see cref="StillNeededAfterLeaseWait"/>, a step whose
    /// partition another run published after this instant asks it again once it holds the lease, before anything runs:
    /// two runs planned at once on overlapping selections (two terminals, automation beside a user) materialize each
    /// partition once, whether or not one waited for the other. <c>null</c> (the default): asked only after a wait.
    /// </summary>
    public NodaTime.Instant? PlannedAt { get; init; }

    /// <summary>
    /// The time source of retry delays and step durations. Default: <see cref="TimeProvider.System"/>;
    /// tests pass one whose timers fire at once so a retry never sleeps.
    /// </summary>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        init => _timeProvider = Preconditions.CheckNotNull(value, nameof(TimeProvider));
    }
}

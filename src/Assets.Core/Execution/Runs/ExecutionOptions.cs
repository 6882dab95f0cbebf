namespace Assets.Execution;

/// <summary>How <see cref="AssetExecutor"/> runs steps. Immutable once built; invariants are checked as properties are set.</summary>
public sealed class ExecutionOptions
{
    private readonly int _maxParallelism = Environment.ProcessorCount;
    private readonly TimeProvider _timeProvider = TimeProvider.System;

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
    /// The time source of retry delays and step durations. Default: <see cref="TimeProvider.System"/>;
    /// tests pass one whose timers fire at once so a retry never sleeps.
    /// </summary>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        init => _timeProvider = Preconditions.CheckNotNull(value, nameof(TimeProvider));
    }
}

using NodaTime;

namespace Assets.Execution;

/// <summary>What a run did: its outcome and one <see cref="StepResult"/> per step, in the order the steps were given. Immutable.</summary>
public sealed class RunSummary
{
    internal RunSummary(RunId runId, RunOutcome outcome, Instant startedAt, Duration duration, IReadOnlyList<StepResult> steps)
    {
        RunId = runId;
        Outcome = outcome;
        StartedAt = startedAt;
        Duration = duration;
        Steps = steps;
    }

    /// <summary>The run.</summary>
    public RunId RunId { get; }

    /// <summary>How the run ended.</summary>
    public RunOutcome Outcome { get; }

    /// <summary>When the run started (the executor's clock).</summary>
    public Instant StartedAt { get; }

    /// <summary>How long the run took.</summary>
    public Duration Duration { get; }

    /// <summary>Every step's result, in the order the steps were given.</summary>
    public IReadOnlyList<StepResult> Steps { get; }

    /// <summary>Steps published.</summary>
    public int Published => Count(StepOutcome.Published);

    /// <summary>Steps failed.</summary>
    public int Failed => Count(StepOutcome.Failed);

    /// <summary>Steps skipped because an upstream step did not publish.</summary>
    public int Skipped => Count(StepOutcome.Skipped);

    /// <summary>Steps quarantined by a blocking check.</summary>
    public int Quarantined => Count(StepOutcome.Quarantined);

    /// <summary>Steps waiting for their source.</summary>
    public int Waiting => Count(StepOutcome.Waiting);

    /// <summary>Steps cancelled.</summary>
    public int Cancelled => Count(StepOutcome.Cancelled);

    /// <summary>How many steps ended with <paramref name="outcome"/>.</summary>
    public int Count(StepOutcome outcome) => Steps.Count(s => s.Outcome == outcome);

    /// <summary>The result of the step of <paramref name="partition"/>; throws <see cref="KeyNotFoundException"/> when the run had no such step.</summary>
    public StepResult this[Graph.AssetPartition partition]
        => Steps.FirstOrDefault(s => s.Partition == partition) ?? throw new KeyNotFoundException($"The run had no step for {partition}.");

    /// <summary>One line for people: <c>5 published, 1 failed, 2 skipped in 3.2s</c> (outcomes with no step left out).</summary>
    public string Describe()
    {
        var parts = Enum.GetValues<StepOutcome>()
            .Select(o => (Outcome: o, Count: Count(o)))
            .Where(p => p.Count > 0)
            .Select(p => $"{p.Count} {p.Outcome.ToString().ToLowerInvariant()}");
        var text = string.Join(", ", parts);
        return $"{(text.Length == 0 ? "nothing to do" : text)} in {Duration.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)}s";
    }
}

using Assets.Execution;

namespace Assets.Testing;

/// <summary>Assertions on the <see cref="RunSummary"/> of a run, with messages that list what each step did.</summary>
public static class AssetsAssert
{
    /// <summary>
    /// Asserts that every step of <paramref name="run"/> was published (the run completed): otherwise throws
    /// <see cref="AssetsAssertionException"/> naming each step that was not, with its outcome and cause.
    /// </summary>
    public static void Completed(RunSummary run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Outcome != RunOutcome.Completed || run.Steps.Any(s => s.Outcome != StepOutcome.Published))
        {
            throw new AssetsAssertionException($"Expected every step to be published, but the run ended {run.Outcome} ({run.Describe()}):{Environment.NewLine}{Unpublished(run)}");
        }
    }

    /// <summary>
    /// Asserts that the step of <paramref name="asset"/>'s <paramref name="partition"/> in <paramref name="run"/> ended as
    /// <paramref name="outcome"/> and, when <paramref name="causeContains"/> is given, that its cause contains that text
    /// (ordinal, ignoring case). Returns the step for further checks.
    /// </summary>
    public static StepResult Step(RunSummary run, string asset, string? partition, StepOutcome outcome, string? causeContains = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        var key = AssetKey.Parse(asset);
        var step = run.Steps.FirstOrDefault(s => s.Partition.Asset == key && s.Partition.Partition?.Value == partition)
            ?? throw new AssetsAssertionException(
                $"The run has no step for {Describe(asset, partition)}; its steps are: {string.Join(", ", run.Steps.Select(s => s.Partition.ToString()))}.");
        if (step.Outcome != outcome)
        {
            throw new AssetsAssertionException($"Expected {Describe(asset, partition)} to be {outcome}, but it was {step.Outcome}{(step.Cause is { } cause ? ": " + cause : ".")}");
        }

        if (causeContains is not null && (step.Cause is null || !step.Cause.Contains(causeContains, StringComparison.OrdinalIgnoreCase)))
        {
            throw new AssetsAssertionException(
                $"Expected the cause of {Describe(asset, partition)} ({outcome}) to contain \"{causeContains}\", but it was {(step.Cause is null ? "empty" : "\"" + step.Cause + "\"")}.");
        }

        return step;
    }

    internal static string Describe(string asset, string? partition) => partition is null ? asset : $"{asset}[{partition}]";

    private static string Unpublished(RunSummary run)
        => string.Join(Environment.NewLine, run.Steps.Where(s => s.Outcome != StepOutcome.Published)
            .Select(s => $"  {s.Partition}: {s.Outcome}{(s.Cause is { } cause ? " - " + cause : string.Empty)}"));
}

using System.Diagnostics.Metrics;
using Assets.Graph;

namespace Assets.Execution;

/// <summary>The executor's instruments on <see cref="AssetsTelemetry.Meter"/>.</summary>
internal static class ExecutionMetrics
{
    private static readonly Counter<long> StepsStarted =
        AssetsTelemetry.Meter.CreateCounter<long>("assets.steps.started", "{step}", "Steps that started their first attempt.");

    private static readonly Counter<long> StepsFinished =
        AssetsTelemetry.Meter.CreateCounter<long>("assets.steps.finished", "{step}", "Steps that ended, by outcome.");

    private static readonly Counter<long> Retries =
        AssetsTelemetry.Meter.CreateCounter<long>("assets.steps.retries", "{retry}", "Attempts retried after a transient error.");

    private static readonly Histogram<double> StepDuration =
        AssetsTelemetry.Meter.CreateHistogram<double>("assets.step.duration", "s", "Time from a step's first attempt to its end.");

    private static readonly Counter<long> RunsFinished =
        AssetsTelemetry.Meter.CreateCounter<long>("assets.runs.finished", "{run}", "Runs that ended, by outcome.");

    private static readonly Histogram<double> RunDuration =
        AssetsTelemetry.Meter.CreateHistogram<double>("assets.run.duration", "s", "Time from a run's start to its end.");

    private static readonly Counter<long> Publishes =
        AssetsTelemetry.Meter.CreateCounter<long>("assets.publishes", "{publish}", "Partitions published (a new version behind their pointer).");

    private static readonly Counter<long> RowsPublished =
        AssetsTelemetry.Meter.CreateCounter<long>("assets.rows.published", "{row}", "Rows in the partitions published.");

    private static readonly Counter<long> ChecksEvaluated =
        AssetsTelemetry.Meter.CreateCounter<long>("assets.checks.evaluated", "{check}", "Checks evaluated, by check and result.");

    public static void RunFinished(RunOutcome outcome, NodaTime.Duration duration)
    {
        var tag = new KeyValuePair<string, object?>(AssetsTelemetry.OutcomeTag, outcome.ToString());
        RunsFinished.Add(1, tag);
        RunDuration.Record(duration.TotalSeconds, tag);
    }

    public static void Published(AssetPartition partition, long? rows)
    {
        Publishes.Add(1, AssetTag(partition));
        if (rows is { } count)
        {
            RowsPublished.Add(count, AssetTag(partition));
        }
    }

    public static void CheckEvaluated(AssetPartition partition, string check, bool passed)
        => ChecksEvaluated.Add(1, AssetTag(partition), new(AssetsTelemetry.CheckTag, check), new(AssetsTelemetry.PassedTag, passed));

    public static void Started(AssetPartition partition) => StepsStarted.Add(1, AssetTag(partition));

    public static void Retried(AssetPartition partition) => Retries.Add(1, AssetTag(partition));

    public static void Finished(StepResult result)
    {
        var asset = AssetTag(result.Partition);
        var outcome = new KeyValuePair<string, object?>(AssetsTelemetry.OutcomeTag, result.Outcome.ToString());
        StepsFinished.Add(1, asset, outcome);
        if (result.Attempts > 0)
        {
            StepDuration.Record(result.Duration.TotalSeconds, asset, outcome);
        }
    }

    private static KeyValuePair<string, object?> AssetTag(AssetPartition partition) => new(AssetsTelemetry.AssetTag, partition.Asset.Value);
}

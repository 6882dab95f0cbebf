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

    public static void Started(AssetPartition partition) => StepsStarted.Add(1, AssetTag(partition));

    public static void Retried(AssetPartition partition) => Retries.Add(1, AssetTag(partition));

    public static void Finished(StepResult result)
    {
        var asset = AssetTag(result.Partition);
        var outcome = new KeyValuePair<string, object?>("assets.outcome", result.Outcome.ToString());
        StepsFinished.Add(1, asset, outcome);
        if (result.Attempts > 0)
        {
            StepDuration.Record(result.Duration.TotalSeconds, asset, outcome);
        }
    }

    private static KeyValuePair<string, object?> AssetTag(AssetPartition partition) => new("assets.asset", partition.Asset.Value);
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Assets.Execution;

namespace Assets.Backfills;

/// <summary>
/// Progress of the backfills running in this process as the <c>assets.backfill.steps</c> gauge on the
/// <see cref="AssetsTelemetry.Meter"/>, tagged with the backfill id and <c>published</c>, <c>failed</c>, <c>skipped</c>
/// or <c>remaining</c>. A backfill leaves the gauge when its run ends. Thread-safe.
/// </summary>
internal static class BackfillMetrics
{
    private static readonly ConcurrentDictionary<BackfillId, BackfillCounts> Running = new();

    private static readonly ObservableGauge<int> Steps = AssetsTelemetry.Meter.CreateObservableGauge(
        "assets.backfill.steps",
        () => Running.SelectMany(r => new[]
        {
            Measure(r.Key, "published", r.Value.Published),
            Measure(r.Key, "failed", r.Value.Failed),
            Measure(r.Key, "skipped", r.Value.Skipped),
            Measure(r.Key, "remaining", r.Value.Remaining),
        }),
        "{step}",
        "Steps of each running backfill, by state.");

    public static void Report(BackfillId id, BackfillCounts counts)
    {
        // Touch the gauges: static fields may be initialized lazily, and a gauge must exist before it can be listened to.
        _ = Steps;
        Running[id] = counts;
    }

    public static void Ended(BackfillId id) => Running.TryRemove(id, out _);

    private static Measurement<int> Measure(BackfillId id, string state, int value)
        => new(value, new KeyValuePair<string, object?>("assets.backfill", id.Value), new KeyValuePair<string, object?>("assets.state", state));
}

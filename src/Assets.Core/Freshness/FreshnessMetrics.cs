using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Assets.Execution;

namespace Assets.Freshness;

/// <summary>
/// Freshness as metrics on the <see cref="AssetsTelemetry.Meter"/>: <c>assets.freshness.lag</c> (seconds, per asset) and
/// <c>assets.freshness.overdue</c> (1 when overdue, else 0), observed from the latest evaluation published here (the
/// daemon publishes each tick's). Thread-safe.
/// </summary>
public static class FreshnessMetrics
{
    private static readonly ConcurrentDictionary<string, AssetFreshness> Latest = new(StringComparer.Ordinal);

    private static readonly ObservableGauge<double> Lag = AssetsTelemetry.Meter.CreateObservableGauge(
        "assets.freshness.lag",
        () => Latest.Values.Where(f => f.Lag is not null).Select(f => new Measurement<double>(f.Lag!.Value.TotalSeconds, Tag(f))),
        "s",
        "How late each asset with a freshness policy is, from its latest evaluation.");

    private static readonly ObservableGauge<int> Overdue = AssetsTelemetry.Meter.CreateObservableGauge(
        "assets.freshness.overdue",
        () => Latest.Values.Select(f => new Measurement<int>(f.State == FreshnessState.Overdue ? 1 : 0, Tag(f))),
        "{asset}",
        "1 for an asset whose freshness policy is violated, else 0.");

    /// <summary>Makes <paramref name="results"/> the values the gauges report.</summary>
    public static void Publish(IEnumerable<AssetFreshness> results)
    {
        Preconditions.CheckNotNull(results);
        // Touch the gauges: static fields may be initialized lazily, and a gauge must exist before it can be listened to.
        _ = (Lag, Overdue);
        foreach (var result in results)
        {
            Latest[result.Asset.Value] = result;
        }
    }

    private static KeyValuePair<string, object?> Tag(AssetFreshness freshness) => new("assets.asset", freshness.Asset.Value);
}

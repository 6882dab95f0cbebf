using System.Diagnostics.Metrics;
using Assets.Execution;
using Assets.Freshness;
using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using NodaTime;

namespace Assets.Core.Tests.Freshness;

public sealed class FreshnessMetricsTests
{
    [Fact]
    public void Publish_ReportsLagAndOverduePerAssetThroughTheAssetsMeter()
    {
        var graph = new AssetGraphBuilder().AddTypes(typeof(FreshnessProject)).Build();
        var at = Instant.FromUtc(2026, 5, 1, 12, 0);
        var results = FreshnessEvaluator.Evaluate(graph, [new PartitionState(new AssetPartition(AssetKey.Parse("summary"), null), PartitionStatus.Published, null, MaterializationId.New(), "v", "c", 1, at, at)], at + Duration.FromHours(25));
        var seen = new Dictionary<(string Instrument, string? Asset), double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == AssetsTelemetry.Name && instrument.Name.StartsWith("assets.freshness.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => seen[(instrument.Name, Asset(tags))] = value);
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => seen[(instrument.Name, Asset(tags))] = value);
        listener.Start();

        FreshnessMetrics.Publish(results);
        listener.RecordObservableInstruments();

        Assert.Equal(25 * 3600, seen[("assets.freshness.lag", "summary")]);
        Assert.Equal(1, seen[("assets.freshness.overdue", "summary")]);
        Assert.Equal(0, seen[("assets.freshness.overdue", "lagged")]);
    }

    private static string? Asset(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "assets.asset")
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}

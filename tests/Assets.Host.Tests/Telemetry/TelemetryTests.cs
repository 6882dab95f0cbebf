using System.Diagnostics;
using Assets.Execution;
using Assets.Hosting;
using Assets.Hosting.CommandLine;
using Assets.Partitions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Assets.Host.Tests.Telemetry;

/// <summary>What a user's OpenTelemetry backend receives from one <c>materialize</c>: spans and metrics with asset and partition.</summary>
public sealed class TelemetryTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "assets-otel-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task AMaterializeWithARetryAndACheck_ExportsRunStepCheckPublishSpansAndRetryEvent_WithAssetAndPartition()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        TracedAssets.Reset();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await AssetsApplication.RunAsync(
            ["materialize", "--select", "traced_orders", "--partition", "2026-01-05", "--root", _root],
            builder =>
            {
                builder.Services.AddAssets(a => a.FromTypes(typeof(TracedAssets)));
                builder.AddAssetsTelemetry(otel => otel
                    .WithTracing(t => t.AddInMemoryExporter(spans))
                    .WithMetrics(m => m.AddInMemoryExporter(metrics)));
            },
            Terminal.ForWriters(output, error),
            CancellationToken.None);

        Assert.True(exitCode == 0, output + error.ToString());
        // The exporter listens to the Assets source process-wide, so it also sees the runs of tests running beside this
        // one: keep this run's trace, found by its step (traced_orders is this test's asset alone).
        var assets = spans.Where(s => s.Source.Name == AssetsTelemetry.Name).ToList();
        var trace = Assert.Single(assets, s => s.OperationName == "assets.step" && Equals(s.GetTagItem("assets.asset"), "traced_orders")).TraceId;
        var ours = assets.Where(s => s.TraceId == trace).ToList();
        var run = Assert.Single(ours, s => s.OperationName == "assets.run");
        var step = Assert.Single(ours, s => s.OperationName == "assets.step");
        var check = Assert.Single(ours, s => s.OperationName == "assets.check");
        var publish = Assert.Single(ours, s => s.OperationName == "assets.publish");
        Assert.Equal(run.SpanId, step.ParentSpanId);
        Assert.All([check, publish], s => Assert.Equal(step.SpanId, s.ParentSpanId));
        Assert.All([step, check, publish], s =>
        {
            Assert.Equal("traced_orders", s.GetTagItem("assets.asset"));
            Assert.Equal("2026-01-05", s.GetTagItem("assets.partition"));
        });
        Assert.Equal("Published", step.GetTagItem("assets.outcome"));
        Assert.Equal("positive_amounts", check.GetTagItem("assets.check"));
        var retry = Assert.Single(step.Events, e => e.Name == "assets.retry");
        Assert.Equal(1, retry.Tags.Single(t => t.Key == "assets.attempt").Value); // the attempt that failed

        var names = metrics.Select(m => m.Name).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "assets.runs.finished", "assets.run.duration", "assets.steps.started", "assets.steps.finished", "assets.steps.retries",
            "assets.step.duration", "assets.publishes", "assets.rows.published", "assets.checks.evaluated",
        }, names);
        // Other tests' retries may be counted beside this one's (the meter is process-wide): read traced_orders' alone.
        Assert.Equal(1L, RetriesOf(metrics.Where(m => m.Name == "assets.steps.retries"), "traced_orders"));
    }

    private static long RetriesOf(IEnumerable<Metric> exports, string asset)
    {
        // The in-memory exporter keeps every export; the counter is cumulative, so the newest point is the total.
        long retries = 0;
        foreach (var metric in exports)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                foreach (var tag in point.Tags)
                {
                    if (tag.Key == "assets.asset" && Equals(tag.Value, asset))
                    {
                        retries = point.GetSumLong();
                    }
                }
            }
        }

        return retries;
    }
}

/// <summary>An asset whose first attempt meets a transient error, with a check.</summary>
public static class TracedAssets
{
    private static int _attempts;

    public static void Reset() => Volatile.Write(ref _attempts, 0);

    [Asset]
    [DailyPartitions("2026-01-01", End = "2026-01-31")]
    [Retry(MaxAttempts = 2, Delay = "10ms")]
    public static IEnumerable<TracedRow> TracedOrders()
    {
        if (Interlocked.Increment(ref _attempts) == 1)
        {
            throw new IOException("the share blinked");
        }

        return [new TracedRow { Amount = 3 }];
    }

    [AssetCheck(nameof(TracedOrders))]
    public static CheckResult PositiveAmounts(IEnumerable<TracedRow> tracedOrders) => tracedOrders.All(r => r.Amount > 0) ? CheckResult.Pass() : CheckResult.Fail("negative");
}

public sealed record TracedRow
{
    public int Amount { get; init; }
}

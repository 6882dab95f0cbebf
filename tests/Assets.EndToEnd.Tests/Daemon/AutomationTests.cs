using System.Diagnostics;

namespace Assets.EndToEnd.Tests.Daemon;

/// <summary>
/// The daemon's eager automation on the example (every asset is <c>[Automation(Eager)]</c>): it materializes what is
/// missing as sources arrive, and never reads a day that has not arrived as if it were complete.
/// </summary>
public sealed class AutomationTests : TempRoot
{
    private const int TickSeconds = 2;
    private readonly string _source;

    public AutomationTests()
        : base("automation")
    {
        _source = Path.Combine(Root + "-source", "orders");
        Directory.CreateDirectory(_source);
        Settings["Example__SourceDir"] = Path.GetDirectoryName(_source)!;
        Settings["Assets__Daemon__TickSeconds"] = TickSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Shipped(string day) => Path.Combine(ExampleProgram.RepositoryRoot(), "example-assets", "source", "orders", day + ".csv");

    private void Arrive(string day) => File.Copy(Shipped(day), Path.Combine(_source, day + ".csv"));

    [Fact]
    public async Task Serve_MaterializesWhatArrived_WaitsForTheRest_AndTakesANewlyArrivedDayWithinOneTick()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // SIGTERM.
        }

        try
        {
            foreach (var day in new[] { "2026-01-01", "2026-01-02", "2026-01-03" })
            {
                Arrive(day);
            }

            using var daemon = await DaemonHarness.StartAsync(Environment, Root);

            // The first tick: the three days that arrived go through clean_orders and rolling_revenue; the other days wait,
            // and the fan-ins (region_revenue, all_time_summary) are not built from an incomplete January.
            var first = await daemon.WaitForStatusAsync(
                s => s["rolling_revenue[2026-01-03]"] == "published"
                    && s.Where(r => r.Key.StartsWith("raw_orders[", StringComparison.Ordinal)).All(r => r.Value is "published" or "waiting"),
                TimeSpan.FromMinutes(2),
                "the first tick's run");
            foreach (var asset in new[] { "raw_orders", "clean_orders", "rolling_revenue" })
            {
                Assert.Equal(["2026-01-01", "2026-01-02", "2026-01-03"], first.Where(s => s.Key.StartsWith(asset + "[", StringComparison.Ordinal) && s.Value == "published").Select(s => s.Key[(asset.Length + 1)..^1]).Order());
            }

            Assert.Equal(28, first.Count(s => s.Key.StartsWith("raw_orders[", StringComparison.Ordinal) && s.Value == "waiting"));
            Assert.Equal("missing", first["clean_orders[2026-01-04]"]);
            Assert.Equal("missing", first["region_revenue[us]"]);
            Assert.Equal("missing", first["all_time_summary"]);

            // A day arrives: the next tick publishes it and what reads it.
            var arrived = Stopwatch.StartNew();
            Arrive("2026-01-04");
            await daemon.WaitForStatusAsync(
                s => s["raw_orders[2026-01-04]"] == "published" && s["clean_orders[2026-01-04]"] == "published" && s["rolling_revenue[2026-01-04]"] == "published",
                TimeSpan.FromMinutes(1),
                "2026-01-04 after its file arrived");
            var tookTicks = arrived.Elapsed.TotalSeconds / TickSeconds;

            // Everything arrives: January completes, fan-ins included.
            foreach (var day in Enumerable.Range(5, 27).Select(d => $"2026-01-{d:00}"))
            {
                Arrive(day);
            }

            var complete = await daemon.WaitForStatusAsync(s => s.Values.All(v => v == "published"), TimeSpan.FromMinutes(3), "all of January");
            Assert.Equal(31 * 3 + 3 + 1, complete.Count);

            var stop = await daemon.StopAsync();
            Assert.True(stop.ExitCode == 0, stop.Error);

            // Within one tick, plus the run itself (a few seconds on a loaded 2-core machine).
            Assert.True(tookTicks < 1 + 10.0 / TickSeconds, $"2026-01-04 took {tookTicks:0.0} ticks of {TickSeconds} s to publish after its file arrived");

            var verify = await ExampleProgram.RunAsync(Environment, "verify");
            Assert.True(verify.ExitCode == 0, verify.Error + verify.Out);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(_source)!, recursive: true);
        }
    }
}

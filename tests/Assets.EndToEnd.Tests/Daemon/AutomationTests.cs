using System.Diagnostics;

namespace Assets.EndToEnd.Tests.Daemon;

/// <summary>
/// The daemon on the example, whose assets are all eager and whose raw_orders observes each day's export: it publishes
/// days as their files arrive, fails days whose file is past its late-data deadline instead of reading January as
/// complete without them, and refreshes a re-exported day and exactly what read it, without anyone forcing it.
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

    private static IEnumerable<string> Keys(Dictionary<string, string> status, string asset, string state)
        => status.Where(s => s.Key.StartsWith(asset + "[", StringComparison.Ordinal) && s.Value == state).Select(s => s.Key[(asset.Length + 1)..^1]).Order(StringComparer.Ordinal);

    [Fact]
    public async Task Serve_PublishesDaysAsTheyArrive_FailsLateOnes_AndRefreshesAReExportedDayByItself()
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

            // The first tick: the three days that arrived go through clean_orders and rolling_revenue. The others are long
            // past their deadline (6 h after their day ended in Berlin): failed, not run, and the fan-ins wait for them.
            var first = await daemon.WaitForStatusAsync(
                s => s["rolling_revenue[2026-01-03]"] == "published" && Keys(s, "raw_orders", "failed").Count() == 28,
                TimeSpan.FromMinutes(2),
                "the first tick's run");
            string[] firstDays = ["2026-01-01", "2026-01-02", "2026-01-03"];
            foreach (var asset in new[] { "raw_orders", "clean_orders", "rolling_revenue" })
            {
                if (!Keys(first, asset, "published").SequenceEqual(firstDays))
                {
                    // Said in full (seen once in CI, not reproduced in 18 runs since): each day's status and the history of
                    // those not published.
                    var days = string.Join(", ", firstDays.Select(d => $"{asset}[{d}] {first.GetValueOrDefault($"{asset}[{d}]", "absent")}"));
                    var histories = new List<string>();
                    foreach (var day in firstDays.Where(d => first.GetValueOrDefault($"{asset}[{d}]") != "published"))
                    {
                        histories.Add($"{asset}[{day}]: {await daemon.HistoryAsync(asset, day)}");
                    }

                    Assert.Fail($"{days}{System.Environment.NewLine}{string.Join(System.Environment.NewLine, histories)}");
                }
            }

            Assert.Equal("missing", first["clean_orders[2026-01-04]"]);
            Assert.Equal("missing", first["region_revenue[us]"]);
            Assert.Equal("missing", first["all_time_summary"]);

            // A late day arrives: the next tick observes it and publishes it and what reads it.
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

            await daemon.WaitForStatusAsync(s => s.Values.All(v => v == "published"), TimeSpan.FromMinutes(3), "all of January");
            var before = await daemon.RowsAsync();
            Assert.Equal(31 * 3 + 3 + 1, before.Count);

            // January 5 is re-exported with one order corrected: nobody runs anything, the daemon refreshes it and what read it.
            var file = Path.Combine(_source, "2026-01-05.csv");
            var lines = await File.ReadAllLinesAsync(file);
            var index = Array.FindIndex(lines, l => l.EndsWith(",1,9.50,9.50,EUR", StringComparison.Ordinal));
            lines[index] = lines[index].Replace(",1,9.50,9.50,EUR", ",2,9.50,19.00,EUR", StringComparison.Ordinal);
            await File.WriteAllLinesAsync(file, lines);
            await daemon.WaitForStatusAsync(
                s => s.Values.All(v => v == "published"),
                TimeSpan.FromMinutes(1),
                "the refresh of 2026-01-05",
                rows => rows["raw_orders[2026-01-05]"].DataVersion != before["raw_orders[2026-01-05]"].DataVersion);
            var after = await daemon.RowsAsync();
            var changed = after.Where(r => r.Value.DataVersion != before[r.Key].DataVersion).Select(r => r.Key).Order(StringComparer.Ordinal).ToArray();
            string[] expected =
            [
                "all_time_summary", "clean_orders[2026-01-05]", "raw_orders[2026-01-05]",
                "region_revenue[apac]", "region_revenue[eu]", "region_revenue[us]",
                .. Enumerable.Range(5, 7).Select(d => $"rolling_revenue[2026-01-{d:00}]"),
            ];
            // A region's revenue changes only if the corrected order is in that region; every reader was refreshed, and
            // every data version that changed belongs to a reader of January 5.
            Assert.Subset(expected.ToHashSet(), changed.ToHashSet());
            Assert.Contains("clean_orders[2026-01-05]", changed);
            Assert.Contains("rolling_revenue[2026-01-11]", changed);

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

    [Fact]
    public async Task Sigterm_WhileAutomationRuns_StopsWithinSeconds_PublishesNothingPartial_AndTheNextStartFinishes()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // SIGTERM.
        }

        try
        {
            foreach (var day in Enumerable.Range(1, 31).Select(d => $"2026-01-{d:00}"))
            {
                Arrive(day);
            }

            Dictionary<string, string> during;
            (int ExitCode, TimeSpan Took, string Error) stop;
            using (var daemon = await DaemonHarness.StartAsync(Environment, Root))
            {
                // The first tick's eager run publishes January's 97 partitions a few at a time: stop it part-way.
                during = await daemon.WaitForStatusAsync(s => s.Values.Count(v => v == "published") >= 5, TimeSpan.FromMinutes(2), "the first partitions");
                stop = await daemon.StopAsync();
            }

            Assert.True(stop.ExitCode == 0, stop.Error);
            Assert.True(stop.Took < TimeSpan.FromSeconds(20), $"serve took {stop.Took} to stop");
            Assert.Contains(during.Values, v => v != "published");

            // Nothing partial: every pointer's files are intact, and nothing is left running.
            var verify = await ExampleProgram.RunAsync(Environment, "verify");
            Assert.True(verify.ExitCode == 0, verify.Error + verify.Out);
            var status = await ExampleProgram.RunAsync(Environment, "status", "--json");
            Assert.DoesNotContain("\"running\"", status.Out, StringComparison.Ordinal);

            // Started again, the daemon finishes January by itself.
            using var again = await DaemonHarness.StartAsync(Environment, Root);
            await again.WaitForStatusAsync(s => s.Values.All(v => v == "published"), TimeSpan.FromMinutes(3), "all of January after the restart");
            var stopped = await again.StopAsync();
            Assert.True(stopped.ExitCode == 0, stopped.Error);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(_source)!, recursive: true);
        }
    }

    [Fact]
    public async Task MaterializeThroughTheDaemon_WhileAutomationRuns_WaitsForItsLeasesInsteadOfFailing()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // SIGTERM.
        }

        try
        {
            foreach (var day in Enumerable.Range(1, 31).Select(d => $"2026-01-{d:00}"))
            {
                Arrive(day);
            }

            using var daemon = await DaemonHarness.StartAsync(Environment, Root);

            // The first tick's eager run is materializing January: ask for all of it beside that run (late enough that what is
            // left fits the program's two minutes on a busy machine).
            await daemon.WaitForStatusAsync(s => s.Values.Count(v => v == "published") >= 75, TimeSpan.FromMinutes(4), "most of January");
            var materialize = await ExampleProgram.RunAsync(Environment, "materialize", "--select", "*");

            Assert.True(materialize.ExitCode == 0, materialize.Error + materialize.Out);
            Assert.DoesNotContain("PartitionLeased", materialize.Out + materialize.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("failed ", materialize.Out, StringComparison.Ordinal);
            Assert.DoesNotContain("blocked ", materialize.Out, StringComparison.Ordinal);
            await daemon.WaitForStatusAsync(s => s.Values.All(v => v == "published"), TimeSpan.FromMinutes(3), "all of January");
            var stopped = await daemon.StopAsync();
            Assert.True(stopped.ExitCode == 0, stopped.Error);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(_source)!, recursive: true);
        }
    }
}

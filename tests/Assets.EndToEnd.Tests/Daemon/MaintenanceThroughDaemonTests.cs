using System.Text.Json;

namespace Assets.EndToEnd.Tests.Daemon;

/// <summary>history, rollback and gc while <c>serve</c> holds the store: through its API, with the same output as alone.</summary>
public sealed class MaintenanceThroughDaemonTests : TempRoot
{
    public MaintenanceThroughDaemonTests()
        : base("maintenance-daemon")
        => Settings["Assets__Daemon__Automation"] = "false";

    [Fact]
    public async Task HistoryRollbackAndGc_WorkBesideTheDaemon_AndRollbackTakesAnIdHistoryLists()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // No SIGTERM to send.
        }

        string[] Day = ["--select", "raw_orders", "--partition", "2026-01-05"];
        Assert.Equal(0, (await ExampleProgram.RunAsync(Environment, ["materialize", .. Day])).ExitCode);
        Assert.Equal(0, (await ExampleProgram.RunAsync(Environment, ["materialize", .. Day, "--force"])).ExitCode);
        var historyAlone = await ExampleProgram.RunAsync(Environment, ["history", .. Day, "--json"]);
        Assert.True(historyAlone.ExitCode == 0, historyAlone.Error);
        var (second, first) = Ids(historyAlone.Out);

        string historyThrough;
        using (var daemon = await DaemonHarness.StartAsync(Environment, Root))
        {
            // The same document through the daemon, which holds the store.
            Assert.Equal(historyAlone.Out, (await ExampleProgram.RunAsync(Environment, ["history", .. Day, "--json"])).Out);

            var rollback = await ExampleProgram.RunAsync(Environment, ["rollback", .. Day, "--to", first]);
            Assert.True(rollback.ExitCode == 0, rollback.Error);
            Assert.Contains($"raw_orders[2026-01-05]: now materialization {first}", rollback.Out, StringComparison.Ordinal);

            var text = await ExampleProgram.RunAsync(Environment, ["history", .. Day]);
            Assert.Contains("raw_orders[2026-01-05]: 2 materializations, newest first", text.Out, StringComparison.Ordinal);
            Assert.Contains($"{second}  published", text.Out, StringComparison.Ordinal);
            Assert.Contains($"{first}  current", text.Out, StringComparison.Ordinal);
            Assert.All(text.Out.Split('\n'), line => Assert.True(line.Length <= 80, line));

            var wrong = await ExampleProgram.RunAsync(Environment, ["rollback", .. Day, "--to", "0123456789abcdef0123456789abcdef"]);
            Assert.Equal(1, wrong.ExitCode);
            Assert.Contains("has no materialization 0123456789abcdef0123456789abcdef", wrong.Error, StringComparison.Ordinal);
            Assert.Contains("`history --select raw_orders --partition 2026-01-05` lists", wrong.Error, StringComparison.Ordinal);

            // gc in the daemon: the replaced version is unreferenced now.
            var gc = await ExampleProgram.RunAsync(Environment, "gc", "--dry-run", "--older-than", "0s");
            Assert.True(gc.ExitCode == 0, gc.Error);
            Assert.Contains($"would remove manifests/raw_orders/2026-01-05/{second}.json", gc.Out, StringComparison.Ordinal);
            Assert.Contains("Would remove 2 unreferenced objects", gc.Out, StringComparison.Ordinal);

            historyThrough = (await ExampleProgram.RunAsync(Environment, ["history", .. Day, "--json"])).Out;
            var stopped = await daemon.StopAsync();
            Assert.True(stopped.ExitCode == 0, stopped.Error);
        }

        Assert.Equal(historyThrough, (await ExampleProgram.RunAsync(Environment, ["history", .. Day, "--json"])).Out);
        Assert.Equal((second, first), Ids(historyThrough));
        using var document = JsonDocument.Parse(historyThrough);
        Assert.Equal(first, document.RootElement.GetProperty("current").GetString());
    }

    /// <summary>The two ids of the history document, newest first.</summary>
    private static (string Newest, string Oldest) Ids(string history)
    {
        using var document = JsonDocument.Parse(history);
        var ids = document.RootElement.GetProperty("materializations").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToArray();
        Assert.Equal(2, ids.Length);
        return (ids[0], ids[1]);
    }
}

using System.Text.Json;

namespace Assets.EndToEnd.Tests.Backfills;

/// <summary><c>backfill</c> commands of the example program, run as a user runs them.</summary>
public sealed class BackfillCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "assets-backfill-cli-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string> _environment;

    public BackfillCommandTests() => _environment = new Dictionary<string, string> { ["Assets__Root"] = _root };

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private Task<ExampleProgram.Result> RunAsync(params string[] args) => ExampleProgram.RunAsync(_environment, args);

    private async Task<ExampleProgram.Result> SucceedAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', args)} exited {result.ExitCode}: {result.Error}{result.Out}");
        return result;
    }

    private async Task<Dictionary<string, string?>> DataVersionsAsync(string select)
    {
        using var json = JsonDocument.Parse((await SucceedAsync("status", "--select", select, "--json")).Out);
        return json.RootElement.GetProperty("rows").EnumerateArray().ToDictionary(
            r => r.GetProperty("partition").GetString() ?? "",
            r => r.GetProperty("dataVersion").GetString());
    }

    [Fact]
    public async Task DryRun_PrintsTheRunsNewestFirst_AndRecordsNothing()
    {
        var result = await SucceedAsync("backfill", "start", "--select", "raw_orders, clean_orders, rolling_revenue", "--from", "2026-01-01", "--to", "2026-01-31", "--max-partitions-per-run", "10", "--dry-run");

        Assert.Contains("run      rolling_revenue[2026-01-21..2026-01-30]  (one run of 10 partitions)", result.Out, StringComparison.Ordinal);
        Assert.Contains("run      rolling_revenue[2026-01-31]  (missing)", result.Out, StringComparison.Ordinal);
        Assert.Contains("run      raw_orders[2026-01-31]  (missing)", result.Out, StringComparison.Ordinal);
        Assert.True(
            result.Out.IndexOf("2026-01-21..2026-01-30", StringComparison.Ordinal) < result.Out.IndexOf("2026-01-11..2026-01-20", StringComparison.Ordinal),
            "newest first");
        Assert.Contains("Dry run: 93 steps in 66 runs, 0 blocked", result.Out, StringComparison.Ordinal);
        Assert.Contains("Nothing was recorded or run.", result.Out, StringComparison.Ordinal);
        Assert.Contains("No backfills yet", (await SucceedAsync("backfill", "list")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartsSummary_AgreesWithItselfAndWithBackfillStatus()
    {
        var started = await SucceedAsync("backfill", "start", "--select", "raw_orders", "--from", "2026-01-01", "--to", "2026-01-03");

        var id = started.Out.Split(' ', ':')[1];
        var counts = "3 steps: 3 done, 0 failed, 0 skipped or blocked, 0 remaining";
        Assert.EndsWith($"Backfill {id} completed: every one of 3 partitions published. {counts}.", started.Out.TrimEnd(), StringComparison.Ordinal);
        Assert.Contains("  " + counts + Environment.NewLine, (await SucceedAsync("backfill", "status", id)).Out, StringComparison.Ordinal);
        Assert.Equal($"Backfill {id} already completed: every one of its 3 partitions is published.", (await SucceedAsync("backfill", "resume", id)).Out.Trim());
    }

    [Fact]
    public async Task RangeRunsOfTheExample_PublishExactlyTheDataOfOneRunPerPartition()
    {
        await SucceedAsync("backfill", "start", "--select", "*", "--from", "2026-01-01", "--to", "2026-01-31");
        var perPartition = await DataVersionsAsync("rolling_revenue");

        var rerun = await SucceedAsync("backfill", "start", "--select", "rolling_revenue", "--reprocess", "all", "--max-partitions-per-run", "12", "--order", "oldest-first");

        Assert.Contains("31 steps in 3 runs", rerun.Out, StringComparison.Ordinal);
        Assert.Equal(perPartition, await DataVersionsAsync("rolling_revenue"));
        using var list = JsonDocument.Parse((await SucceedAsync("backfill", "list", "--json")).Out);
        var newest = list.RootElement.GetProperty("backfills")[0];
        Assert.Equal(("completed", 31, 31, 12, "all", "oldest-first"), (
            newest.GetProperty("status").GetString(), newest.GetProperty("steps").GetInt32(), newest.GetProperty("done").GetInt32(),
            newest.GetProperty("maxPartitionsPerRun").GetInt32(), newest.GetProperty("reprocess").GetString(), newest.GetProperty("order").GetString()));
    }

    [Theory]
    [InlineData("resume", "not-an-id")]
    [InlineData("status", "zzzzzzzz")]
    [InlineData("cancel", "ABC")]
    public async Task UnknownOrMalformedIds_ExitTwoSayingWhereIdsComeFrom(string command, string id)
    {
        var result = await RunAsync("backfill", command, id);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("backfill list", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusOfAFailedBackfill_ListsWhatDidNotPublishWithTheError_AndExitsOneOnStart()
    {
        var source = Path.Combine(_root, "source");
        Directory.CreateDirectory(Path.Combine(source, "orders"));
        foreach (var day in new[] { "2026-01-01", "2026-01-02" })
        {
            File.Copy(Path.Combine(ExampleProgram.RepositoryRoot(), "example-assets", "source", "orders", day + ".csv"), Path.Combine(source, "orders", day + ".csv"));
        }

        _environment["Example__SourceDir"] = source;
        var start = await RunAsync("backfill", "start", "--select", "raw_orders+", "--partitions", "2026-01-01,2026-01-02,2026-01-03", "--max-concurrency", "1");

        Assert.Equal(1, start.ExitCode);
        var id = start.Out.Split('\n')[0].Split(' ', ':')[1];
        using var status = JsonDocument.Parse((await SucceedAsync("backfill", "status", id, "--json")).Out);
        var root = status.RootElement;
        Assert.Equal("failed", root.GetProperty("status").GetString());
        Assert.Equal(["2026-01-01", "2026-01-02", "2026-01-03"], root.GetProperty("partitions").EnumerateArray().Select(p => p.GetString()));
        var failures = root.GetProperty("failures").EnumerateArray().ToDictionary(f => $"{f.GetProperty("asset").GetString()}[{f.GetProperty("partition").GetString()}]", f => f.GetProperty("state").GetString());
        // The day's file never came, and January 3 ended (in Berlin) long before its 6-hour late-data deadline: failed, not waiting.
        Assert.Equal("failed", failures["raw_orders[2026-01-03]"]);
        Assert.Equal("skipped", failures["clean_orders[2026-01-03]"]);
        Assert.DoesNotContain("raw_orders[2026-01-02]", failures.Keys);
        using (var grid = JsonDocument.Parse((await SucceedAsync("status", "--select", "raw_orders", "--partition", "2026-01-03", "--json")).Out))
        {
            var row = grid.RootElement.GetProperty("rows")[0];
            Assert.Equal("failed", row.GetProperty("status").GetString());
            Assert.StartsWith("source not arrived by 2026-01-04T05:00:00Z: ", row.GetProperty("cause").GetString(), StringComparison.Ordinal);
            Assert.EndsWith("2026-01-03.csv", row.GetProperty("cause").GetString(), StringComparison.Ordinal);
        }

        var text = await SucceedAsync("backfill", "status", id);
        Assert.Contains("raw_orders[2026-01-03]", text.Out, StringComparison.Ordinal);
    }
}

using System.Text.Json;

namespace Assets.EndToEnd.Tests;

/// <summary>
/// The README's walk-through, run as a user would with the real program: materialize January, change one
/// day's source file, force raw_orders for that day, see exactly the downstream partitions that read it go
/// stale with their causes, and materialize again to run exactly those.
/// </summary>
public sealed class WalkthroughTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "assets-walkthrough-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string> _environment;

    public WalkthroughTests()
    {
        var source = Path.Combine(_folder, "source");
        TestFiles.CopyFolder(Path.Combine(ExampleProgram.RepositoryRoot(), "example-assets", "source"), source);
        _environment = new Dictionary<string, string> { ["Example__SourceDir"] = source, ["Assets__Root"] = Path.Combine(_folder, "root") };
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<ExampleProgram.Result> RunAsync(params string[] args)
    {
        var result = await ExampleProgram.RunAsync(_environment, args);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', args)} exited {result.ExitCode}: {result.Error}{result.Out}");
        return result;
    }

    private async Task<Dictionary<string, (string Status, string? Cause)>> StatusAsync()
    {
        using var json = JsonDocument.Parse((await RunAsync("status", "--json")).Out);
        return json.RootElement.GetProperty("rows").EnumerateArray().ToDictionary(
            row => row.GetProperty("partition").GetString() is { } p ? $"{row.GetProperty("asset").GetString()}[{p}]" : row.GetProperty("asset").GetString()!,
            row => (row.GetProperty("status").GetString()!, row.GetProperty("cause").GetString()));
    }

    [Fact]
    public async Task ChangingOneDaysSource_MarksExactlyItsReadersStale_AndTheNextRunRunsExactlyThem()
    {
        var first = await RunAsync("materialize", "--select", "*");
        Assert.Contains("97 published", first.Out, StringComparison.Ordinal);
        Assert.All((await StatusAsync()).Values, row => Assert.Equal("published", row.Status));

        // One order of January 5 gets another quantity and amount, as a late correction would.
        var file = Path.Combine(_folder, "source", "orders", "2026-01-05.csv");
        var lines = await File.ReadAllLinesAsync(file);
        var index = Array.FindIndex(lines, l => l.EndsWith(",1,9.50,9.50,EUR", StringComparison.Ordinal));
        Assert.True(index > 0);
        lines[index] = lines[index].Replace(",1,9.50,9.50,EUR", ",2,9.50,19.00,EUR", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(file, lines);
        Assert.Contains("1 published", (await RunAsync("materialize", "--select", "raw_orders", "--partition", "2026-01-05", "--force")).Out, StringComparison.Ordinal);

        var status = await StatusAsync();
        var stale = status.Where(r => r.Value.Status == "stale").Select(r => r.Key).Order(StringComparer.Ordinal).ToArray();
        string[] expected =
        [
            "all_time_summary", "clean_orders[2026-01-05]",
            "region_revenue[apac]", "region_revenue[eu]", "region_revenue[us]",
            .. Enumerable.Range(5, 7).Select(d => $"rolling_revenue[2026-01-{d:D2}]"),
        ];
        Assert.Equal(expected, stale);
        Assert.StartsWith("upstream raw_orders[2026-01-05] was republished with another data version", status["clean_orders[2026-01-05]"].Cause, StringComparison.Ordinal);
        Assert.Equal("upstream clean_orders[2026-01-05] is stale", status["rolling_revenue[2026-01-11]"].Cause);
        Assert.Equal("published", status["rolling_revenue[2026-01-12]"].Status);

        using (var plan = JsonDocument.Parse((await RunAsync("plan", "--select", "*", "--json")).Out))
        {
            Assert.Equal(expected, plan.RootElement.GetProperty("steps").EnumerateArray()
                .Select(s => s.GetProperty("partition").GetString() is { } p ? $"{s.GetProperty("asset").GetString()}[{p}]" : s.GetProperty("asset").GetString()!)
                .Order(StringComparer.Ordinal));
        }

        Assert.Contains("12 published", (await RunAsync("materialize", "--select", "*")).Out, StringComparison.Ordinal);
        Assert.All((await StatusAsync()).Values, row => Assert.Equal("published", row.Status));
        Assert.Contains("Nothing to do", (await RunAsync("materialize", "--select", "*")).Out, StringComparison.Ordinal);
        Assert.Contains("all intact", (await RunAsync("verify")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ObservingAReExportedDay_MarksItAndExactlyItsReadersStale_AndTheNextRunRunsExactlyThem()
    {
        await RunAsync("materialize", "--select", "*");
        var file = Path.Combine(_folder, "source", "orders", "2026-01-05.csv");
        var lines = await File.ReadAllLinesAsync(file);
        var index = Array.FindIndex(lines, l => l.EndsWith(",1,9.50,9.50,EUR", StringComparison.Ordinal));
        lines[index] = lines[index].Replace(",1,9.50,9.50,EUR", ",2,9.50,19.00,EUR", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(file, lines);

        var observe = await RunAsync("observe");
        Assert.Contains("arrived  raw_orders[2026-01-05]", observe.Out, StringComparison.Ordinal);
        Assert.Contains("Observed 31 sources: 31 present, 0 absent; 1 new or changed since the last observation.", observe.Out, StringComparison.Ordinal);

        var status = await StatusAsync();
        var stale = status.Where(r => r.Value.Status == "stale").Select(r => r.Key).Order(StringComparer.Ordinal).ToArray();
        string[] expected =
        [
            "all_time_summary", "clean_orders[2026-01-05]", "raw_orders[2026-01-05]",
            "region_revenue[apac]", "region_revenue[eu]", "region_revenue[us]",
            .. Enumerable.Range(5, 7).Select(d => $"rolling_revenue[2026-01-{d:D2}]"),
        ];
        Assert.Equal(expected, stale);
        Assert.StartsWith("source changed since it was published: ", status["raw_orders[2026-01-05]"].Cause, StringComparison.Ordinal);
        Assert.Equal("upstream raw_orders[2026-01-05] is stale", status["clean_orders[2026-01-05]"].Cause);

        Assert.Contains("13 published", (await RunAsync("materialize", "--select", "*")).Out, StringComparison.Ordinal);
        Assert.All((await StatusAsync()).Values, row => Assert.Equal("published", row.Status));
        Assert.Contains("0 new or changed", (await RunAsync("observe")).Out, StringComparison.Ordinal);
        Assert.Contains("Nothing to do", (await RunAsync("materialize", "--select", "*")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingUpstreamOutsideTheSelection_BlocksTheStepWithTheReason()
    {
        var result = await ExampleProgram.RunAsync(_environment, "materialize", "--select", "clean_orders", "--partition", "2026-01-05");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("blocked  clean_orders[2026-01-05]  (upstream raw_orders[2026-01-05] is missing and not in this plan", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadPartitionKey_ExitsTwoWithTheValidForm()
    {
        var result = await ExampleProgram.RunAsync(_environment, "plan", "--select", "raw_orders", "--partition", "2026-02-30");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("yyyy-MM-dd", result.Error, StringComparison.Ordinal);
    }
}

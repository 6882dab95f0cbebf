using System.Text.Json;
using Assets.Hosting;
using Assets.Hosting.CommandLine;
using Assets.Host.Tests.CommandLine.DefinitionProjects;
using Microsoft.Extensions.DependencyInjection;

namespace Assets.Host.Tests.CommandLine;

/// <summary>One date range across cadences, through the real command line.</summary>
public sealed class PartitionKeyCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "assets-keys-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task Plan_ADateRangeOverHourlyAndDailyAssets_PicksEachOnesPartitionsOfThatDayInItsOwnZone()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await AssetsApplication.RunAsync(
            ["plan", "--select", "*", "--from", "2026-03-08", "--to", "2026-03-08", "--json", "--root", _root],
            b => b.Services.AddAssets(a => a.FromTypes(typeof(ClickAssets))),
            Terminal.ForWriters(output, error),
            CancellationToken.None);

        Assert.Equal((ExitCodes.Success, string.Empty), (exitCode, error.ToString()));
        using var plan = JsonDocument.Parse(output.ToString());
        var steps = plan.RootElement.GetProperty("steps").EnumerateArray()
            .GroupBy(s => s.GetProperty("asset").GetString()!)
            .ToDictionary(g => g.Key, g => g.Select(s => s.GetProperty("partition").GetString()).ToList());
        Assert.Equal(["2026-03-08"], steps["daily_clicks"]);
        // New York springs forward that day: 23 hours, 02:00 does not exist.
        Assert.Equal(23, steps["hourly_clicks"].Count);
        Assert.Equal(("2026-03-08-00:00", "2026-03-08-23:00"), (steps["hourly_clicks"][0], steps["hourly_clicks"][^1]));
        Assert.Equal(
            ["daily_clicks 1 2026-03-08 2026-03-08", "hourly_clicks 23 2026-03-08-00:00 2026-03-08-23:00"],
            plan.RootElement.GetProperty("range").EnumerateArray().Select(r => $"{r.GetProperty("asset").GetString()} {r.GetProperty("count").GetInt32()} {r.GetProperty("first").GetString()} {r.GetProperty("last").GetString()}"));

        using var text = new StringWriter();
        await AssetsApplication.RunAsync(
            ["plan", "--select", "*", "--from", "2026-03-08", "--to", "2026-03-08", "--root", _root],
            b => b.Services.AddAssets(a => a.FromTypes(typeof(ClickAssets))),
            Terminal.ForWriters(text, error),
            CancellationToken.None);
        Assert.StartsWith(
            "range    daily_clicks[2026-03-08]" + Environment.NewLine + "range    hourly_clicks[2026-03-08-00:00..2026-03-08-23:00] (23 partitions)" + Environment.NewLine,
            text.ToString(),
            StringComparison.Ordinal);
    }
}

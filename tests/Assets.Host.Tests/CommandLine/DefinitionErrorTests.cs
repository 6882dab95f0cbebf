using System.Text.Json;
using Assets.Hosting;
using Assets.Hosting.CommandLine;
using Assets.Host.Tests.CommandLine.DefinitionProjects;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NodaTime;
using NodaTime.Testing;

namespace Assets.Host.Tests.CommandLine;

/// <summary>Definition mistakes are found when the graph is built, all at once, before any command runs (exit 2).</summary>
public sealed class DefinitionErrorTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "assets-definitions-" + Guid.NewGuid().ToString("N"));

    private sealed record Outcome(int ExitCode, string Out, string Error);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private async Task<Outcome> RunAsync(Action<HostApplicationBuilder> configure, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await AssetsApplication.RunAsync([.. args, "--root", _root], configure, Terminal.ForWriters(output, error), CancellationToken.None);
        return new Outcome(exitCode, output.ToString(), error.ToString());
    }

    private Task<Outcome> RunMistakesAsync(string[] command)
        => RunAsync(b => b.Services.AddAssets(a => a.FromTypes(typeof(MistakenAssets), typeof(ReferenceAssets))), command);

    [Theory]
    [InlineData("list")]
    [InlineData("materialize", "--select", "*")]
    public async Task MistakenProject_EveryCommandExitsTwoListingEachMistakeWithItsFix(params string[] command)
    {
        var outcome = await RunMistakesAsync(command);

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
        Assert.True(outcome.Error.Contains("3 asset definition errors:", StringComparison.Ordinal), outcome.Error);
        Assert.Contains(
            "countries (MistakenAssets.Countries): its class MistakenAssets is built through the host's services, but its constructor takes "
            + "'client' (IShopClient), which no one registered: register IShopClient with builder.Services, or register MistakenAssets itself.",
            outcome.Error,
            StringComparison.Ordinal);
        Assert.Contains(
            "stamps (MistakenAssets.Stamps): returns Stamp records, which the storage cannot hold: 'Stamp.At' has type System.DateTimeOffset, which Parquet records cannot store: "
            + "store the instant as a DateTime in UTC (value.UtcDateTime)",
            outcome.Error,
            StringComparison.Ordinal);
        Assert.Contains(
            "eu_countries (MistakenAssets.EuCountries): parameter 'countryDim' (IEnumerable<Country>) names no asset: there is no asset 'country_dim'; "
            + "did you mean 'ref/country_dim' (add [From(\"ref/country_dim\")])?",
            outcome.Error,
            StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", outcome.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root, "data")), "nothing may run");
    }

    [Fact]
    public async Task MistakenProject_TheServiceRegistered_BuildsTheClass()
    {
        var outcome = await RunAsync(
            b =>
            {
                b.Services.AddSingleton<IShopClient, Shop>();
                b.Services.AddAssets(a => a.FromTypes(typeof(MistakenAssets), typeof(ReferenceAssets)));
            },
            "list");

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
        Assert.Contains("2 asset definition errors:", outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("IShopClient", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckOfAPrefixedAsset_ByMethodNameAndCamelCaseParameter_ChecksIt()
    {
        Action<HostApplicationBuilder> configure = b => b.Services.AddAssets(a => a.FromTypes(typeof(ReferenceAssets)));
        var list = await RunAsync(configure, "list", "--json");
        Assert.Equal((ExitCodes.Success, string.Empty), (list.ExitCode, list.Error));
        using (var document = JsonDocument.Parse(list.Out))
        {
            var asset = Assert.Single(document.RootElement.GetProperty("assets").EnumerateArray());
            Assert.Equal("ref/country_dim", asset.GetProperty("asset").GetString());
            Assert.Equal("every_country_has_a_name", Assert.Single(asset.GetProperty("checks").EnumerateArray()).GetProperty("name").GetString());
        }

        // The check reads the staged rows through its parameter: one country has no name, so nothing is published.
        var materialize = await RunAsync(configure, "materialize", "--select", "ref/country_dim");
        Assert.Equal(ExitCodes.Failure, materialize.ExitCode);
        var status = await RunAsync(configure, "status", "--json");
        using var grid = JsonDocument.Parse(status.Out);
        var row = Assert.Single(grid.RootElement.GetProperty("rows").EnumerateArray());
        Assert.Equal("quarantined", row.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Status_PartitionsSkippedBehindAQuarantinedUpstream_ShowMissingWithTheRootCause()
    {
        Action<HostApplicationBuilder> configure = b => b.Services.AddAssets(a => a.FromTypes(typeof(ReferenceAssets), typeof(CountryReports)));
        var materialize = await RunAsync(configure, "materialize", "--select", "*");
        Assert.Equal(ExitCodes.Failure, materialize.ExitCode);

        var status = await RunAsync(configure, "status", "--json");

        using var grid = JsonDocument.Parse(status.Out);
        var rows = grid.RootElement.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("asset").GetString()!);
        Assert.Equal("quarantined", rows["ref/country_dim"].GetProperty("status").GetString());
        foreach (var skipped in new[] { "named_countries", "sorted_countries" })
        {
            Assert.Equal(("missing", "upstream ref/country_dim was quarantined"), (rows[skipped].GetProperty("status").GetString(), rows[skipped].GetProperty("cause").GetString()));
        }
    }

    [Fact]
    public async Task UsersOwnClock_DoesNotChangeTheFrameworksNow_AnAssetsClockDoes()
    {
        var userClock = new FakeClock(Instant.FromUtc(2026, 1, 3, 12, 0));
        var before = DaysSinceNewYear();
        var theirs = await CountDailyPartitionsAsync(b => b.Services.AddSingleton<IClock>(userClock));
        var after = DaysSinceNewYear();
        Assert.InRange(theirs, before, after);

        Assert.Equal(2, await CountDailyPartitionsAsync(b => b.Services.AddSingleton(new AssetsClock(userClock))));

        static int DaysSinceNewYear() => Period.Between(new LocalDate(2026, 1, 1), SystemClock.Instance.GetCurrentInstant().InUtc().Date, PeriodUnits.Days).Days;
    }

    private async Task<int> CountDailyPartitionsAsync(Action<HostApplicationBuilder> register)
    {
        var outcome = await RunAsync(
            b =>
            {
                register(b);
                b.Services.AddAssets(a => a.FromTypes(typeof(OpenEndedAssets)));
            },
            "list",
            "--json");
        Assert.Equal((ExitCodes.Success, string.Empty), (outcome.ExitCode, outcome.Error));
        using var document = JsonDocument.Parse(outcome.Out);
        return Assert.Single(document.RootElement.GetProperty("assets").EnumerateArray()).GetProperty("partitions").GetProperty("count").GetInt32();
    }

    private sealed class Shop : IShopClient
    {
        public IEnumerable<Country> Countries() => [];
    }
}

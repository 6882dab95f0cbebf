using Assets;
using Assets.Execution;
using Assets.Metadata;
using Assets.Testing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Xunit;

namespace Sales.Tests;

/// <summary>The assets materialized in memory (no files written, no database file), with a clock the tests move.</summary>
public sealed class SalesAssetsTests
{
    // January 3 has ended, so the three sample days exist.
    private static readonly Instant January4 = Instant.FromUtc(2026, 1, 4, 6, 0);

    private static Task<InMemoryAssets> CreateAsync(string inputDir)
        => InMemoryAssets.CreateAsync(
            assets => assets.FromAssemblyContaining(typeof(SalesAssets)),
            services => services.AddOptions<SalesOptions>().Configure(o => o.InputDir = inputDir),
            January4);

    [Fact]
    public async Task EveryDay_IsPublished_AndTotalsAddUp()
    {
        await using var assets = await CreateAsync(Path.Combine(AppContext.BaseDirectory, "incoming"));

        AssetsAssert.Completed(await assets.MaterializeAsync("*"));

        var totals = await assets.ReadAsync<DailyTotal>("daily_totals", "2026-01-01");
        Assert.Equal([("berlin", 24.90m), ("hamburg", 42.50m)], totals.Select(t => (t.Store, t.Amount)));
        await assets.AssertStatusAsync("daily_totals", "2026-01-03", PartitionStatus.Published);
    }

    [Fact]
    public async Task ANegativeAmount_QuarantinesTheDay_AndNothingDownstreamRuns()
    {
        var input = Directory.CreateTempSubdirectory("sales-tests-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(input.FullName, "2026-01-02.csv"), "sale_id,store,amount\nS-1,berlin,-5.00\n");
            await using var assets = await CreateAsync(input.FullName);

            var run = await assets.MaterializeAsync("*", partition: "2026-01-02");

            AssetsAssert.Step(run, "raw_sales", "2026-01-02", StepOutcome.Quarantined, causeContains: "no_negative_amounts");
            await assets.AssertStatusAsync("daily_totals", "2026-01-02", PartitionStatus.Missing);
        }
        finally
        {
            input.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task DailyTotals_SumsTheRowsItIsGiven()
    {
        await using var assets = await CreateAsync(Path.Combine(AppContext.BaseDirectory, "incoming"));
        var context = assets.ContextFor("daily_totals", "2026-01-02")
            .WithUpstream(nameof(SalesAssets.RawSales), [new Sale { SaleId = "a", Store = "x", Amount = 2m }, new Sale { SaleId = "b", Store = "x", Amount = 3m }]);

        var totals = await assets.RunBodyAsync<DailyTotal>(context);

        var total = Assert.Single(totals);
        Assert.Equal((new DateOnly(2026, 1, 2), "x", 2, 5m), (total.Day, total.Store, total.Sales, total.Amount));
    }
}

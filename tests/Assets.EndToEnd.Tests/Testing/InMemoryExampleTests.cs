using Assets.Execution;
using Assets.Metadata;
using Assets.Partitions;
using Assets.Testing;
using ExampleAssets;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Assets.EndToEnd.Tests.Testing;

/// <summary>The example's assets through Assets.Testing, as a user tests their own project: no files written, no database file.</summary>
public sealed class InMemoryExampleTests : IAsyncLifetime
{
    // 2026-01-08 06:00 in Berlin: January 1 to 7 have ended, so they exist; the 8th does not yet.
    private static readonly Instant Morning = Instant.FromUtc(2026, 1, 8, 5, 0);
    private InMemoryAssets _assets = null!;

    public async Task InitializeAsync()
        => _assets = await InMemoryAssets.CreateAsync(
            a => a.FromAssemblyContaining(typeof(SalesAssets)),
            services => services.AddOptions<ExampleOptions>().Configure(o => o.SourceDir = Path.Combine(ExampleProgram.RepositoryRoot(), "example-assets", "source")),
            Morning);

    public async Task DisposeAsync() => await _assets.DisposeAsync();

    [Fact]
    public async Task MaterializeOneDay_PublishesRawAndClean_AndASecondRunFindsNothingToDo()
    {
        var run = await _assets.MaterializeAsync("raw_orders+", partition: "2026-01-05");

        AssetsAssert.Completed(run);
        var raw = await _assets.ReadAsync<RawOrder>("raw_orders", "2026-01-05");
        var clean = await _assets.ReadAsync<Order>("clean_orders", "2026-01-05");
        Assert.InRange(clean.Count, 1, raw.Count - 1);
        Assert.All(clean, o => Assert.True(o.Amount >= 0));
        await _assets.AssertStatusAsync("clean_orders", "2026-01-05", PartitionStatus.Published);
        Assert.True((await _assets.PlanAsync("raw_orders+", partition: "2026-01-05")).IsEmpty);
        Assert.Empty((await _assets.MaterializeAsync("raw_orders+", partition: "2026-01-05")).Steps);
    }

    [Fact]
    public async Task AStatusAssertion_SaysWhatThePartitionIsInstead()
    {
        var error = await Assert.ThrowsAsync<AssetsAssertionException>(() => _assets.AssertStatusAsync("clean_orders", "2026-01-05", PartitionStatus.Published));

        Assert.Equal("Expected clean_orders[2026-01-05] to be Published, but it is Missing.", error.Message);
    }

    [Fact]
    public async Task ADayNotYetEnded_DoesNotExist_UntilTheClockMovesPastIt()
    {
        var early = await Assert.ThrowsAsync<AssetsAssertionException>(() => _assets.AssertStatusAsync("raw_orders", "2026-01-08", PartitionStatus.Missing));
        Assert.Contains("does not exist", early.Message, StringComparison.Ordinal);

        _assets.Clock.Advance(Duration.FromDays(1));

        await _assets.AssertStatusAsync("raw_orders", "2026-01-08", PartitionStatus.Missing);
    }

    [Fact]
    public async Task ADayWhoseExportIsMissing_Waits_ThenFailsOnceTheClockPassesItsDeadline()
    {
        var empty = Directory.CreateTempSubdirectory("assets-no-export-");
        try
        {
            await using var assets = await InMemoryAssets.CreateAsync(
                a => a.FromAssemblyContaining(typeof(SalesAssets)),
                services => services.AddOptions<ExampleOptions>().Configure(o => o.SourceDir = empty.FullName),
                Instant.FromUtc(2026, 1, 6, 2, 0)); // three hours after the day ended in Berlin; the deadline is six

            var early = await assets.MaterializeAsync("raw_orders", partition: "2026-01-05");

            AssetsAssert.Step(early, "raw_orders", "2026-01-05", StepOutcome.Waiting, causeContains: "2026-01-05.csv");
            Assert.Throws<AssetsAssertionException>(() => AssetsAssert.Completed(early));
            await Assert.ThrowsAsync<AssetsAssertionException>(() => assets.ReadAsync<RawOrder>("raw_orders", "2026-01-05"));

            assets.Clock.Advance(Duration.FromHours(4));
            var late = await assets.MaterializeAsync("raw_orders", partition: "2026-01-05");

            AssetsAssert.Step(late, "raw_orders", "2026-01-05", StepOutcome.Failed, causeContains: "source not arrived by 2026-01-06T05:00:00Z");
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ATimeByStaticAsset_SeesItsWindowAndStaticKey_WithoutSplittingTheKey()
    {
        await using var assets = await InMemoryAssets.CreateAsync(a => a.FromTypes(typeof(RegionalAssets)), now: Morning);

        AssetsAssert.Completed(await assets.MaterializeAsync("regional_sales", partition: "2026-01-05|eu"));

        var row = Assert.Single(await assets.ReadAsync<RegionalAssets.Seen>("regional_sales", "2026-01-05|eu"));
        Assert.Equal(new RegionalAssets.Seen("2026-01-05|eu", "eu", "2026-01-05", "2026-01-05|eu"), row);
    }

    [Fact]
    public async Task OneBody_RunsWithABuiltContextAndGivenRows_WithoutAStore()
    {
        var context = _assets.ContextFor("clean_orders", "2026-01-05")
            .WithUpstream(nameof(SalesAssets.RawOrders), new[]
            {
                Raw(2, "O-1", "2026-01-05T10:00:00+01:00", "9.50"),
                Raw(3, "O-1", "2026-01-05T10:00:00+01:00", "9.50"),
                Raw(4, "O-2", "2026-01-05T11:00:00+01:00", "-3.00"),
                Raw(5, "O-3", "2026-01-04T10:00:00+01:00", "4.00"),
            });

        var rows = await _assets.RunBodyAsync<Order>(context);

        Assert.Equal(["O-1"], rows.Select(o => o.OrderId));
        Assert.Equal(4, context.Metadata["rows_in"]);
        Assert.Equal(3L, Convert.ToInt64(context.Metadata["rows_dropped"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(new LocalDate(2026, 1, 5), context.TimeWindow!.StartDate);
        Assert.Equal("2026-01-05", context.PartitionValue);
        Assert.Null(context.StaticKey);
    }

    private static RawOrder Raw(int line, string id, string orderedAt, string amount) => new()
    {
        Line = line,
        FieldCount = RawOrder.Columns.Count,
        OrderId = id,
        OrderedAt = orderedAt,
        Customer = "C-1",
        Region = "eu",
        Product = "Keyboard",
        Quantity = "1",
        UnitPrice = amount.TrimStart('-'),
        Amount = amount,
        Currency = "EUR",
    };
}

/// <summary>A time x static asset that writes down what its context says.</summary>
public static class RegionalAssets
{
    [Asset]
    [DailyPartitions("2026-01-01", Timezone = "Europe/Berlin")]
    [StaticPartitions("us", "eu")]
    public static IEnumerable<Seen> RegionalSales(AssetContext context)
        => [new Seen(context.PartitionValue, context.StaticKey, context.TimeWindow!.StartDate.ToString("yyyy-MM-dd", null), context.Partition!.Value.Value)];

    public sealed record Seen(string Key, string? Static, string Day, string Raw);
}

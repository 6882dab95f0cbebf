using Assets.Core.Tests.Planning.Fixtures;
using Assets.Metadata;
using Assets.Planning;
using NodaTime;
using static Assets.Core.Tests.Planning.StatusWorld;

namespace Assets.Core.Tests.Planning;

public sealed class StatusEvaluatorTests
{
    private static StatusWorld CreateSales() => new StatusWorld(typeof(SalesProject)).PublishAll(EndOfJanuary);

    [Fact]
    public void Evaluate_EverythingPublishedAndNothingChanged_EveryPartitionIsPublishedWithoutCause()
    {
        var grid = CreateSales().Evaluate();

        Assert.Equal(31 + 31 + 31 + 1 + 1 + 3, grid.Count);
        Assert.All(grid.Rows, r => Assert.Equal(PartitionStatus.Published, r.Status));
        Assert.All(grid.Rows, r => Assert.Null(r.Cause));
    }

    [Fact]
    public void Evaluate_NothingStored_EveryPartitionIsMissingWithoutCause()
    {
        var grid = new StatusWorld(typeof(SalesProject)).Evaluate();

        Assert.All(grid.Rows, r => Assert.Equal(PartitionStatus.Missing, r.Status));
        Assert.All(grid.Rows, r => Assert.Null(r.Cause));
        Assert.All(grid.Rows, r => Assert.Null(r.Stored));
    }

    [Fact]
    public void Evaluate_IdentityUpstreamRepublished_MarksExactlyThePartitionsThatReadItTransitively()
    {
        var grid = CreateSales().Republish(P("raw_orders", "2026-01-03"), "v2").Evaluate();

        string[] expected =
        [
            "clean_orders[2026-01-03]",
            .. Days("rolling_revenue", 3, 9),
            "all_time_summary",
            "region_revenue[us]", "region_revenue[eu]", "region_revenue[apac]",
        ];
        AssertStale(expected, grid);
        Assert.Equal(PartitionStatus.Published, grid[P("raw_orders", "2026-01-03")].Status);
        Assert.Equal(PartitionStatus.Published, grid[P("latest_snapshot")].Status);
    }

    [Fact]
    public void Evaluate_WindowUpstreamRepublishedInTheMiddle_MarksTheSevenDaysThatReadIt()
    {
        var grid = CreateSales().Republish(P("clean_orders", "2026-01-10"), "v2").Evaluate();

        string[] expected = [.. Days("rolling_revenue", 10, 16), "all_time_summary", "region_revenue[us]", "region_revenue[eu]", "region_revenue[apac]"];
        AssertStale(expected, grid);
    }

    [Fact]
    public void Evaluate_WindowUpstreamRepublishedOnTheFirstDay_MarksTheFirstSevenDays()
    {
        var grid = CreateSales().Republish(P("clean_orders", "2026-01-01"), "v2").Evaluate();

        Assert.Equal(Days("rolling_revenue", 1, 7), Stale(grid).Where(s => s.StartsWith("rolling_revenue", StringComparison.Ordinal)));
    }

    [Fact]
    public void Evaluate_WindowUpstreamRepublishedNearTheEnd_MarksOnlyTheDaysThatExist()
    {
        var grid = CreateSales().Republish(P("clean_orders", "2026-01-28"), "v2").Evaluate();

        Assert.Equal(Days("rolling_revenue", 28, 31), Stale(grid).Where(s => s.StartsWith("rolling_revenue", StringComparison.Ordinal)));
        Assert.Equal(PartitionStatus.Published, grid[P("latest_snapshot")].Status);
    }

    [Fact]
    public void Evaluate_LastPartitionRepublished_MarksTheLastPartitionReader()
    {
        var grid = CreateSales().Republish(P("clean_orders", "2026-01-31"), "v2").Evaluate();

        string[] expected = ["rolling_revenue[2026-01-31]", "all_time_summary", "latest_snapshot", "region_revenue[us]", "region_revenue[eu]", "region_revenue[apac]"];
        AssertStale(expected, grid);
    }

    [Fact]
    public void Evaluate_StaticMappingUpstreamRepublished_MarksOnlyTheMappedKey()
    {
        var world = new StatusWorld(typeof(RegionProject)).PublishAll(EndOfJanuary);

        AssertStale(["continents[north_america]"], world.Republish(P("sales_regions", "ca"), "v2").Evaluate());
        AssertStale(["continents[europe]"], world.Republish(P("sales_regions", "ca"), "v1").Republish(P("sales_regions", "de"), "v2").Evaluate());
    }

    [Fact]
    public void Evaluate_TimeUpstreamOfATwoDimensionalAssetRepublished_MarksEveryStaticKeyOfThatDayAndTheRollup()
    {
        var grid = new StatusWorld(typeof(MultiProject)).PublishAll(EndOfJanuary).Republish(P("daily_orders", "2026-01-05"), "v2").Evaluate();

        AssertStale(["regional_orders[2026-01-05|us]", "regional_orders[2026-01-05|eu]", "regional_rollup[2026-01-05]"], grid);
    }

    [Fact]
    public void Evaluate_RepublishedWithTheSameDataVersion_MarksNothingStale()
    {
        var world = CreateSales();
        var sameVersion = world.Publish(P("raw_orders", "2026-01-03"), "v1");

        Assert.Empty(Stale(sameVersion.Evaluate()));
    }

    [Fact]
    public void Evaluate_CodeVersionChanged_MarksExactlyThatAssetsPartitionsWithTheCodeCause()
    {
        var world = CreateSales().WithCodeVersion("rolling_revenue", "old");

        var grid = world.Evaluate();

        Assert.Equal(Days("rolling_revenue", 1, 31), Stale(grid));
        var row = grid[P("rolling_revenue", "2026-01-05")];
        Assert.Equal($"code version changed from old to {world.Graph.Get("rolling_revenue").CodeVersion[..8]}…", row.Cause);
    }

    [Fact]
    public void Evaluate_CodeVersionChangedUpstream_DownstreamIsStaleBecauseItsUpstreamIs()
    {
        var grid = CreateSales().WithCodeVersion("clean_orders", "old").Evaluate();

        Assert.DoesNotContain(Stale(grid), s => s.StartsWith("raw_orders", StringComparison.Ordinal));
        Assert.Equal(Days("clean_orders", 1, 31), Stale(grid).Where(s => s.StartsWith("clean_orders", StringComparison.Ordinal)));
        Assert.Equal("upstream clean_orders[2026-01-05] is stale", grid[P("rolling_revenue", "2026-01-11")].Cause);
        Assert.Equal(PartitionStatus.Stale, grid[P("latest_snapshot")].Status);
    }

    [Fact]
    public void Evaluate_StalePartitions_SayWhyInWords()
    {
        var grid = CreateSales().Republish(P("raw_orders", "2026-01-03"), "0123456789abcdef0123").Evaluate();

        Assert.Equal("upstream raw_orders[2026-01-03] was republished with another data version (v1 → 01234567…)", grid[P("clean_orders", "2026-01-03")].Cause);
        Assert.Equal("upstream clean_orders[2026-01-03] is stale", grid[P("rolling_revenue", "2026-01-09")].Cause);
        Assert.Equal("upstream clean_orders[2026-01-03] is stale", grid[P("all_time_summary")].Cause);
    }

    [Fact]
    public void Evaluate_DirectChangeAndStaleUpstream_TheDirectChangeIsTheCause()
    {
        var grid = CreateSales()
            .Republish(P("raw_orders", "2026-01-03"), "v2")
            .Republish(P("clean_orders", "2026-01-04"), "v2")
            .Evaluate();

        Assert.Equal("upstream clean_orders[2026-01-04] was republished with another data version (v1 → v2)", grid[P("rolling_revenue", "2026-01-05")].Cause);
    }

    [Fact]
    public void Evaluate_NewUpstreamPartitionForAnAllPartitionsReader_IsStale()
    {
        var tenth = Instant.FromUtc(2026, 1, 10, 0, 0);
        var world = new StatusWorld(typeof(GrowingProject)).PublishAll(tenth);

        Assert.Empty(Stale(world.Evaluate(tenth)));
        var nextDay = world.Evaluate(tenth + Duration.FromDays(1));

        Assert.Equal(["event_summary"], Stale(nextDay));
        Assert.Equal("upstream events[2026-01-10] was not read when this partition was published (it is new since)", nextDay[P("event_summary")].Cause);
        Assert.Equal(PartitionStatus.Missing, nextDay[P("events", "2026-01-10")].Status);
    }

    [Fact]
    public void Evaluate_UpstreamNoLongerPublished_IsStale()
    {
        var grid = CreateSales().Forget(P("raw_orders", "2026-01-07")).Evaluate();

        Assert.Equal(PartitionStatus.Missing, grid[P("raw_orders", "2026-01-07")].Status);
        Assert.Equal("upstream raw_orders[2026-01-07] no longer has a published version (this partition read v1)", grid[P("clean_orders", "2026-01-07")].Cause);
    }

    [Fact]
    public void Evaluate_StoredStatusesOtherThanPublished_AreKeptWithTheirCauses()
    {
        var grid = CreateSales()
            .SetStatus(P("raw_orders", "2026-01-02"), PartitionStatus.Running)
            .SetStatus(P("raw_orders", "2026-01-03"), PartitionStatus.Failed, "IOException: disk full")
            .SetStatus(P("raw_orders", "2026-01-04"), PartitionStatus.Quarantined, "check no_negative_amounts failed")
            .SetStatus(P("raw_orders", "2026-01-05"), PartitionStatus.Waiting, "orders/2026-01-05.csv has not arrived")
            .Evaluate();

        Assert.Equal(PartitionStatus.Running, grid[P("raw_orders", "2026-01-02")].Status);
        Assert.Equal((PartitionStatus.Failed, "IOException: disk full"), (grid[P("raw_orders", "2026-01-03")].Status, grid[P("raw_orders", "2026-01-03")].Cause));
        Assert.Equal(PartitionStatus.Quarantined, grid[P("raw_orders", "2026-01-04")].Status);
        Assert.Equal("orders/2026-01-05.csv has not arrived", grid[P("raw_orders", "2026-01-05")].Cause);

        // Their published versions did not change, so nothing downstream is stale.
        Assert.Empty(Stale(grid));
    }

    [Fact]
    public void Grid_RowsOfAnAsset_AreInPartitionOrderAndFoundByPartition()
    {
        var grid = CreateSales().Evaluate();

        Assert.Equal(["us", "eu", "apac"], grid.RowsOf(AssetKey.Parse("region_revenue")).Select(r => r.Partition.Partition!.Value.Value));
        Assert.Equal("2026-01-31", grid.RowsOf(AssetKey.Parse("raw_orders"))[30].Partition.Partition!.Value.Value);
        Assert.True(grid.TryGet(P("all_time_summary"), out var summary));
        Assert.Null(summary.Partition.Partition);
        Assert.False(grid.TryGet(P("raw_orders", "2026-02-01"), out _));
        Assert.Equal(grid.Assets.Select(a => a.Value), new StatusWorld(typeof(SalesProject)).Graph.Assets.Select(a => a.Key.Value));
    }

    [Fact]
    public void Evaluate_PartitionsThatDoNotExistYet_HaveNoRows()
    {
        var grid = new StatusWorld(typeof(GrowingProject)).Evaluate(Instant.FromUtc(2026, 1, 4, 12, 0));

        Assert.Equal(3, grid.RowsOf(AssetKey.Parse("events")).Count);
    }
}

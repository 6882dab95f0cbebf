using Assets.Core.Tests.Planning.Fixtures;
using Assets.Partitions;
using Assets.Planning;
using Assets.Selection;
using NodaTime;
using Graphs = Assets.Graph;

namespace Assets.Core.Tests.Planning;

/// <summary>Assets of every partitioning side by side, none reading another, so a force plan shows exactly what a range picks.</summary>
public static class CadencesProject
{
    [Asset]
    [HourlyPartitions("2026-03-01-00:00", End = "2026-03-31-23:00", Timezone = "America/New_York")]
    public static IEnumerable<Order> HourlyClicks() => [];

    [Asset]
    [DailyPartitions("2026-03-01", End = "2026-03-31", Timezone = "Europe/Berlin")]
    public static IEnumerable<Order> DailyClicks() => [];

    [Asset]
    [WeeklyPartitions("2026-03-02", End = "2026-03-30")]
    public static IEnumerable<Order> WeeklyClicks() => [];

    [Asset]
    [MonthlyPartitions("2026-01-01", End = "2026-12-01")]
    public static IEnumerable<Order> MonthlyClicks() => [];

    [Asset]
    [StaticPartitions("us", "eu", "apac")]
    public static IEnumerable<Order> RegionClicks() => [];

    [Asset]
    public static IEnumerable<Order> AllClicks() => [];
}

public sealed class PartitionKeysInSelectionTests
{
    private static readonly Instant MidApril = Instant.FromUtc(2026, 4, 15, 0, 0);

    private static Dictionary<string, List<string?>> Picked(string selection, PartitionRange range)
    {
        var world = new StatusWorld(typeof(CadencesProject));
        var plan = Planner.CreatePlan(world.Graph, world.Evaluate(MidApril), AssetSelection.Parse(selection).Resolve(world.Graph), range, PlanMode.Force);
        return plan.Steps.GroupBy(s => s.Partition.Asset.Value).ToDictionary(g => g.Key, g => g.Select(s => s.Partition.Partition?.Value).ToList());
    }

    [Fact]
    public void NoPartitionGivenForAPartitionedAsset_SaysItIsPartitioned_NotThatAnEmptyKeyIsMalformed()
    {
        var graph = new StatusWorld(typeof(CadencesProject)).Graph;

        var error = Assert.Throws<PartitionKeyException>(() => Graphs.AssetGraph.ParsePartition(graph[AssetKey.Parse("daily_clicks")], null));

        Assert.Equal("daily_clicks is partitioned: name one of its partitions ('list' shows them).", error.Message);
        Assert.Null(Graphs.AssetGraph.ParsePartition(graph[AssetKey.Parse("all_clicks")], null));
    }

    [Fact]
    public void DateRange_PicksInEachAssetTheIntervalsInsideItInItsOwnZoneAndCadence()
    {
        var day = Picked("*", PartitionRange.Between("2026-03-08", "2026-03-08"));

        // 2026-03-08 is the day New York springs forward: 23 hours, and no week or month lies inside one day.
        Assert.Equal(23, day["hourly_clicks"].Count);
        Assert.Equal(("2026-03-08-00:00", "2026-03-08-23:00"), (day["hourly_clicks"][0], day["hourly_clicks"][^1]));
        Assert.DoesNotContain("2026-03-08-02:00", day["hourly_clicks"]);
        Assert.Equal(["2026-03-08"], day["daily_clicks"]);
        Assert.False(day.ContainsKey("weekly_clicks"));
        Assert.False(day.ContainsKey("monthly_clicks"));
        Assert.Equal(3, day["region_clicks"].Count);
        Assert.Equal([null], day["all_clicks"]);

        var march = Picked("weekly_clicks, monthly_clicks, daily_clicks", PartitionRange.Between("2026-03-01", "2026-03-31"));
        Assert.Equal(["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23"], march["weekly_clicks"]);
        Assert.Equal(["2026-03-01"], march["monthly_clicks"]);
        Assert.Equal(31, march["daily_clicks"].Count);
    }

    [Fact]
    public void InstantRange_PicksTheHoursInsideIt_AndKeysOfTheAssetsOwnFormKeepWorking()
    {
        // 05:00Z is midnight in New York (EST); clocks jump from 02:00 EST (07:00Z) to 03:00 EDT.
        var instants = Picked("hourly_clicks", PartitionRange.Between("2026-03-08T05:00:00Z", "2026-03-08T08:00:00Z"));
        Assert.Equal(["2026-03-08-00:00", "2026-03-08-01:00", "2026-03-08-03:00"], instants["hourly_clicks"]);

        var keys = Picked("hourly_clicks", PartitionRange.Between("2026-03-08-22:00", "2026-03-08-23:00"));
        Assert.Equal(["2026-03-08-22:00", "2026-03-08-23:00"], keys["hourly_clicks"]);

        // A week's own key as --to includes that whole week; a month's first day as --to the whole month.
        var weeks = Picked("weekly_clicks, monthly_clicks", PartitionRange.Between("2026-03-09", "2026-03-09"));
        Assert.Equal(["2026-03-09"], weeks["weekly_clicks"]);
        Assert.False(weeks.ContainsKey("monthly_clicks"));
        Assert.Equal(["2026-03-01"], Picked("monthly_clicks", PartitionRange.Between(null, "2026-03-01"))["monthly_clicks"][^1..]);
    }

    [Fact]
    public void RangeEnds_NeitherKeyNorPointInTime_AreAnErrorNamingBothForms()
    {
        var error = Assert.Throws<PartitionKeyException>(() => Picked("hourly_clicks", PartitionRange.Between("yesterday", null)));

        Assert.StartsWith("hourly_clicks: the range start 'yesterday' is not an hourly partition key", error.Message, StringComparison.Ordinal);
        Assert.Contains("or a date (yyyy-MM-dd) or an instant", error.Message, StringComparison.Ordinal);
        Assert.Contains("swap them", Assert.Throws<PartitionKeyException>(() => Picked("*", PartitionRange.Between("2026-03-09", "2026-03-08"))).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("region_clicks", "mars", "region_clicks: 'mars' is not a static partition key of this asset: expected one of us, eu, apac.")]
    [InlineData("all_clicks", "2026-03-01", "all_clicks: '2026-03-01' is not a partition key: the asset is not partitioned; select it without --partition.")]
    public void KeyOfNoSelectedAsset_IsAnErrorListingTheValidKeys(string selection, string key, string expected)
    {
        Assert.Equal(expected, Assert.Throws<PartitionKeyException>(() => Picked(selection, PartitionRange.ForPartition(key))).Message);
        Assert.Throws<PartitionKeyException>(() => Picked(selection, PartitionRange.ForPartitions(["us", "../../etc"])));
    }

    [Fact]
    public void KeyOfSomeSelectedAssets_PicksItThere_AndPlansStaticAndUnpartitionedAssetsWhole()
    {
        var picked = Picked("daily_clicks, region_clicks, all_clicks", PartitionRange.ForPartition("2026-03-08"));

        Assert.Equal(["2026-03-08"], picked["daily_clicks"]);
        Assert.Equal(["us", "eu", "apac"], picked["region_clicks"]);
        Assert.Equal([null], picked["all_clicks"]);

        var none = Assert.Throws<PartitionKeyException>(() => Picked("region_clicks, all_clicks", PartitionRange.ForPartition("mars")));
        Assert.StartsWith("'mars' is not a partition of any selected asset:", none.Message, StringComparison.Ordinal);
        Assert.Contains("region_clicks: 'mars' is not a static partition key of this asset: expected one of us, eu, apac", none.Message, StringComparison.Ordinal);
        Assert.Contains("all_clicks: 'mars' is not a partition key: the asset is not partitioned", none.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void BlankKey_IsAPartitionKeyError(string key)
    {
        Assert.Equal("A partition key is empty: give one, such as 2026-01-05 or eu (list shows each asset's partitions).",
            Assert.Throws<PartitionKeyException>(() => PartitionRange.ForPartition(key)).Message);
        Assert.Throws<PartitionKeyException>(() => PartitionRange.ForPartitions(["us", key]));
    }
}

using Assets.Freshness;
using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using NodaTime;

namespace Assets.Core.Tests.Freshness;

public sealed record Reading(string Id);

public static class FreshnessProject
{
    // 2026-03-29 is the day Berlin moves to summer time: a day of 23 hours.
    [Asset]
    [DailyPartitions("2026-03-27", End = "2026-03-31", Timezone = "Europe/Berlin")]
    [Freshness(MaxLag = "3h", WarnAfter = "2h")]
    public static IEnumerable<Reading> Lagged() => [];

    [Asset]
    [DailyPartitions("2026-01-01", End = "2026-01-10", Timezone = "Europe/Berlin")]
    [Freshness(Deadline = "0 6 * * *", Timezone = "Europe/Berlin")]
    public static IEnumerable<Reading> ByMorning() => [];

    [Asset]
    [Freshness(MaxLag = "1d", WarnAfter = "20h")]
    public static IEnumerable<Reading> Summary() => [];

    [Asset]
    [Freshness(Deadline = "0 6 * * *", Timezone = "Europe/Berlin")]
    public static IEnumerable<Reading> DailyReport() => [];

    [Asset]
    public static IEnumerable<Reading> NoPolicy() => [];
}

public sealed class FreshnessEvaluatorTests
{
    private static readonly AssetGraph Graph = new AssetGraphBuilder().AddTypes(typeof(FreshnessProject)).Build();

    private static PartitionState Published(string asset, string? day, Instant at)
        => new(new AssetPartition(AssetKey.Parse(asset), day is null ? null : new PartitionKey(day)), PartitionStatus.Published, null, MaterializationId.New(), "v1", "c1", 1, at, at);

    private static AssetFreshness Judge(string asset, Instant asOf, params PartitionState[] states)
        => Assert.Single(FreshnessEvaluator.Evaluate(Graph, states, asOf), f => f.Asset.Value == asset);

    private static PartitionState[] LaggedUpTo28(Instant at)
        => new[] { "2026-03-27", "2026-03-28" }.Select(d => Published("lagged", d, at)).ToArray();

    [Fact]
    public void Evaluate_OnlyAssetsWithAPolicy()
        => Assert.Equal(
            ["by_morning", "daily_report", "lagged", "summary"],
            FreshnessEvaluator.Evaluate(Graph, [], Instant.FromUtc(2026, 4, 1, 0, 0)).Select(f => f.Asset.Value).Order(StringComparer.Ordinal));

    [Theory]
    // The 23-hour Berlin day 2026-03-29 ends at 2026-03-29T22:00Z (midnight, summer time), not 23:00Z.
    [InlineData("2026-03-29T21:59:00Z", FreshnessState.Fresh)]   // the day has not ended: not expected yet
    [InlineData("2026-03-29T23:59:00Z", FreshnessState.Fresh)]   // ended 1h59m ago: pending, under the warn threshold
    [InlineData("2026-03-30T00:00:00Z", FreshnessState.Warn)]    // end + 2h
    [InlineData("2026-03-30T00:59:59Z", FreshnessState.Warn)]
    [InlineData("2026-03-30T01:00:00Z", FreshnessState.Overdue)] // end + 3h
    public void TimePartitions_AcrossADaylightSavingDay_WarnThenOverdueAtTheDaysOwnEnd(string asOf, FreshnessState expected)
    {
        var at = NodaTime.Text.InstantPattern.ExtendedIso.Parse(asOf).Value;

        var result = Judge("lagged", at, LaggedUpTo28(Instant.FromUtc(2026, 3, 29, 0, 0)));

        Assert.Equal(expected, result.State);
        if (expected == FreshnessState.Overdue)
        {
            Assert.Equal([new PartitionKey("2026-03-29")], result.Overdue);
            Assert.Equal(Duration.FromHours(3), result.Lag);
            Assert.Contains("2026-03-29", result.Cause, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TimePartitions_AnOldGapIsOverdueEvenWhenTheNewestIsPublished()
    {
        // A backfill of the newest day cannot hide that 2026-03-28 was never published.
        var states = new[] { Published("lagged", "2026-03-27", Instant.FromUtc(2026, 4, 2, 0, 0)), Published("lagged", "2026-03-29", Instant.FromUtc(2026, 4, 2, 0, 0)), Published("lagged", "2026-03-30", Instant.FromUtc(2026, 4, 2, 0, 0)), Published("lagged", "2026-03-31", Instant.FromUtc(2026, 4, 2, 0, 0)) };

        var result = Judge("lagged", Instant.FromUtc(2026, 4, 2, 0, 0), states);

        Assert.Equal(FreshnessState.Overdue, result.State);
        Assert.Equal([new PartitionKey("2026-03-28")], result.Overdue);
    }

    [Fact]
    public void TimePartitions_AllEndedPublished_IsFreshWithNoLag()
    {
        var at = Instant.FromUtc(2026, 4, 2, 0, 0);
        var states = Enumerable.Range(27, 5).Select(d => Published("lagged", $"2026-03-{d}", at)).ToArray();

        var result = Judge("lagged", at, states);

        Assert.Equal((FreshnessState.Fresh, Duration.Zero), (result.State, result.Lag));
    }

    [Theory]
    // 2026-01-05 ends at 2026-01-05T23:00Z (midnight Berlin, winter); due at the next 06:00 Berlin = 05:00Z.
    [InlineData("2026-01-06T04:59:00Z", FreshnessState.Fresh)]
    [InlineData("2026-01-06T05:00:00Z", FreshnessState.Overdue)]
    public void CronDeadline_InItsZone_DecidesWhenYesterdayIsDue(string asOf, FreshnessState expected)
    {
        var published = Enumerable.Range(1, 4).Select(d => Published("by_morning", $"2026-01-0{d}", Instant.FromUtc(2026, 1, 5, 0, 0))).ToArray();

        var result = Judge("by_morning", NodaTime.Text.InstantPattern.ExtendedIso.Parse(asOf).Value, published);

        Assert.Equal(expected, result.State);
    }

    [Theory]
    [InlineData(19, FreshnessState.Fresh)]
    [InlineData(21, FreshnessState.Warn)]
    [InlineData(25, FreshnessState.Overdue)]
    public void Unpartitioned_IsJudgedByTheAgeOfItsLastPublish(int hoursAfter, FreshnessState expected)
    {
        var at = Instant.FromUtc(2026, 5, 1, 12, 0);

        var result = Judge("summary", at + Duration.FromHours(hoursAfter), Published("summary", null, at));

        Assert.Equal((expected, Duration.FromHours(hoursAfter)), (result.State, result.Lag));
    }

    [Theory]
    // Deadline 06:00 Berlin = 04:00Z in May (summer time). Published 2026-05-01T05:00Z, just after May 1's deadline:
    // it must be republished after May 2's deadline before May 3's passes.
    [InlineData("2026-05-02T03:59:00Z", FreshnessState.Fresh)]
    [InlineData("2026-05-02T04:00:00Z", FreshnessState.Fresh)]
    [InlineData("2026-05-03T03:59:00Z", FreshnessState.Fresh)]
    [InlineData("2026-05-03T04:00:00Z", FreshnessState.Overdue)]
    public void Unpartitioned_CronDeadline_NeedsAPublishInEachCycle(string asOf, FreshnessState expected)
    {
        var result = Judge("daily_report", NodaTime.Text.InstantPattern.ExtendedIso.Parse(asOf).Value, Published("daily_report", null, Instant.FromUtc(2026, 5, 1, 5, 0)));

        Assert.Equal(expected, result.State);
    }

    [Fact]
    public void NeverPublished_IsUnknown()
    {
        var result = Judge("summary", Instant.FromUtc(2026, 5, 1, 0, 0));

        Assert.Equal((FreshnessState.Unknown, (Duration?)null, "never published"), (result.State, result.Lag, result.Cause));
    }

    [Fact]
    public void AFailedPartitionWithAnEarlierPublish_CountsAsPublished()
    {
        var at = Instant.FromUtc(2026, 4, 2, 0, 0);
        var states = Enumerable.Range(27, 5).Select(d => Published("lagged", $"2026-03-{d}", at)).ToArray();
        states[2] = states[2] with { Status = PartitionStatus.Failed, Cause = "IOException" };

        Assert.Equal(FreshnessState.Fresh, Judge("lagged", at, states).State);
    }
}

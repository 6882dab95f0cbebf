using Assets.Hosting.Rendering;

namespace Assets.Host.Tests.Rendering;

public sealed class BlockedLinesTests
{
    private const string Advice = "is missing and not in this plan: add it to the selection (+clean_orders) or materialize it first";

    [Fact]
    public void NeighboursBlockedForTheSameCause_MakeOneLineWithTheRangeTheCountAndTheFirstReason()
    {
        var blocked = Enumerable.Range(1, 31).Select(day => Missing($"2026-01-{day:00}"));

        var line = Assert.Single(BlockedLines.Of(blocked));

        Assert.Equal($"blocked  clean_orders[2026-01-01..2026-01-31]  (31 partitions; the first: upstream raw_orders[2026-01-01] {Advice})", line);
    }

    [Fact]
    public void ADifferentCauseOrAsset_StartsANewLine_AndALoneStepKeepsItsOwnLine()
    {
        PlanLineItem[] blocked =
        [
            Missing("2026-01-01"),
            Missing("2026-01-02"),
            new("clean_orders", "2026-01-03", "upstream raw_orders[2026-01-03] failed its last run"),
            Missing("2026-01-04"),
            new("region_revenue", "us", $"upstream clean_orders[2026-01-01] {Advice}"),
            new("all_time_summary", null, $"upstream clean_orders[2026-01-01] {Advice}"),
            new("all_time_summary", null, $"upstream clean_orders[2026-01-01] {Advice}"),
        ];

        Assert.Equal(
            [
                $"blocked  clean_orders[2026-01-01..2026-01-02]  (2 partitions; the first: upstream raw_orders[2026-01-01] {Advice})",
                "blocked  clean_orders[2026-01-03]  (upstream raw_orders[2026-01-03] failed its last run)",
                $"blocked  clean_orders[2026-01-04]  (upstream raw_orders[2026-01-04] {Advice})",
                $"blocked  region_revenue[us]  (upstream clean_orders[2026-01-01] {Advice})",
                $"blocked  all_time_summary  (upstream clean_orders[2026-01-01] {Advice})",
                $"blocked  all_time_summary  (upstream clean_orders[2026-01-01] {Advice})",
            ],
            BlockedLines.Of(blocked));
    }

    private static PlanLineItem Missing(string day) => new("clean_orders", day, $"upstream raw_orders[{day}] {Advice}");
}

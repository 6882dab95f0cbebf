using Assets.Mappings;
using Assets.Partitions;

// Small projects for the status evaluator and the planner; keys are the snake_case method names.
namespace Assets.Core.Tests.Planning.Fixtures;

public sealed record Order(string Id, decimal Amount);

/// <summary>raw_orders -> clean_orders (identity) -> rolling_revenue (7 days), all_time_summary (all), latest_snapshot (last), region_revenue (static, all).</summary>
public static class SalesProject
{
    [Asset]
    [DailyPartitions("2026-01-01", End = "2026-01-31")]
    public static IEnumerable<Order> RawOrders() => [];

    [Asset]
    [DailyPartitions("2026-01-01", End = "2026-01-31")]
    public static IEnumerable<Order> CleanOrders(IEnumerable<Order> rawOrders) => rawOrders;

    [Asset]
    [DailyPartitions("2026-01-01", End = "2026-01-31")]
    public static IEnumerable<Order> RollingRevenue([Window(-6, 0)] IEnumerable<Order> cleanOrders) => cleanOrders;

    [Asset]
    public static IEnumerable<Order> AllTimeSummary([AllPartitions] IEnumerable<Order> cleanOrders) => cleanOrders;

    [Asset]
    public static IEnumerable<Order> LatestSnapshot([LastPartition] IEnumerable<Order> cleanOrders) => cleanOrders;

    [Asset]
    [StaticPartitions("us", "eu", "apac")]
    public static IEnumerable<Order> RegionRevenue([AllPartitions] IEnumerable<Order> cleanOrders) => cleanOrders;
}

/// <summary>sales_regions (static) -> continents (static, through a static mapping).</summary>
public static class RegionProject
{
    [Asset]
    [StaticPartitions("us", "ca", "de")]
    public static IEnumerable<Order> SalesRegions() => [];

    [Asset]
    [StaticPartitions("north_america", "europe")]
    public static IEnumerable<Order> Continents([StaticMapping("us -> north_america", "ca -> north_america", "de -> europe")] IEnumerable<Order> salesRegions)
        => salesRegions;
}

/// <summary>daily_orders (daily) -> regional_orders (daily x static) -> regional_rollup (daily, every static key).</summary>
public static class MultiProject
{
    [Asset]
    [DailyPartitions("2026-01-01", End = "2026-01-10")]
    public static IEnumerable<Order> DailyOrders() => [];

    [Asset]
    [DailyPartitions("2026-01-01", End = "2026-01-10")]
    [StaticPartitions("us", "eu")]
    public static IEnumerable<Order> RegionalOrders(IEnumerable<Order> dailyOrders) => dailyOrders;

    [Asset]
    [DailyPartitions("2026-01-01", End = "2026-01-10")]
    public static IEnumerable<Order> RegionalRollup(IEnumerable<Order> regionalOrders) => regionalOrders;
}

/// <summary>events (daily without end) -> event_summary (all partitions).</summary>
public static class GrowingProject
{
    [Asset]
    [DailyPartitions("2026-01-01")]
    public static IEnumerable<Order> Events() => [];

    [Asset]
    public static IEnumerable<Order> EventSummary([AllPartitions] IEnumerable<Order> events) => events;
}

/// <summary>early_report starts a day before its identity upstream late_source.</summary>
public static class EarlyStartProject
{
    [Asset]
    [DailyPartitions("2026-01-01", End = "2026-01-10")]
    public static IEnumerable<Order> LateSource() => [];

    [Asset]
    [DailyPartitions("2025-12-31", End = "2026-01-10")]
    public static IEnumerable<Order> EarlyReport(IEnumerable<Order> lateSource) => lateSource;
}

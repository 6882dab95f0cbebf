using Assets.Mappings;
using Assets.Partitions;

// Small automated projects; keys are the snake_case method names.
namespace Assets.Core.Tests.Automation.Fixtures;

public sealed record Row(string Id);

/// <summary>source_orders (eager) -> tidy_orders (eager) -> weekly_orders (eager, 7-day window); manual_orders (not automated) -> manual_report (eager).</summary>
public static class EagerProject
{
    [Asset]
    [Automation(AutomationKind.Eager)]
    [DailyPartitions("2026-01-01", End = "2026-01-10")]
    public static IEnumerable<Row> SourceOrders() => [];

    [Asset]
    [Automation(AutomationKind.Eager)]
    [DailyPartitions("2026-01-01", End = "2026-01-10")]
    public static IEnumerable<Row> TidyOrders(IEnumerable<Row> sourceOrders) => sourceOrders;

    [Asset]
    [Automation(AutomationKind.Eager)]
    [DailyPartitions("2026-01-01", End = "2026-01-10")]
    public static IEnumerable<Row> WeeklyOrders([Window(-6, 0)] IEnumerable<Row> tidyOrders) => tidyOrders;

    [Asset]
    [DailyPartitions("2026-01-01", End = "2026-01-10")]
    public static IEnumerable<Row> ManualOrders() => [];

    [Asset]
    [Automation(AutomationKind.Eager)]
    [DailyPartitions("2026-01-01", End = "2026-01-10")]
    public static IEnumerable<Row> ManualReport(IEnumerable<Row> manualOrders) => manualOrders;
}

/// <summary>Scheduled assets of each partitioning kind, at 06:00 Berlin.</summary>
public static class ScheduledProject
{
    [Asset]
    [Automation(Cron = "0 6 * * *", Timezone = "Europe/Berlin", MissedTicks = MissedTickPolicy.All)]
    [DailyPartitions("2026-01-01", Timezone = "Europe/Berlin")]
    public static IEnumerable<Row> DailyExport() => [];

    [Asset]
    [Automation(Cron = "0 6 * * *", Timezone = "Europe/Berlin")]
    [StaticPartitions("us", "eu")]
    public static IEnumerable<Row> RegionExport() => [];

    [Asset]
    [Automation(Cron = "0 6 * * *", Timezone = "Europe/Berlin", MissedTicks = MissedTickPolicy.None)]
    public static IEnumerable<Row> Snapshot() => [];

    [Asset]
    [Automation(Cron = "0 6 * * *", Timezone = "Europe/Berlin")]
    [DailyPartitions("2026-01-01", Timezone = "Europe/Berlin")]
    [StaticPartitions("us", "eu")]
    public static IEnumerable<Row> RegionalDaily() => [];
}

public static class EagerWithCron
{
    [Asset]
    [Automation(AutomationKind.Eager, Cron = "0 6 * * *")]
    public static IEnumerable<Row> Both() => [];
}

public static class CronWithoutExpression
{
    [Asset]
    [Automation]
    public static IEnumerable<Row> Nothing() => [];
}

public static class BadCronAndZone
{
    [Asset]
    [Automation(Cron = "at six", Timezone = "Berlin")]
    public static IEnumerable<Row> Broken() => [];
}

public static class SecondsSchedule
{
    [Asset]
    [Automation(Cron = "*/10 * * * * *", MissedTicks = MissedTickPolicy.All)]
    public static IEnumerable<Row> Heartbeat() => [];
}

public static class BadSecondsSchedule
{
    [Asset]
    [Automation(Cron = "75 * * * * *")]
    public static IEnumerable<Row> Broken() => [];
}

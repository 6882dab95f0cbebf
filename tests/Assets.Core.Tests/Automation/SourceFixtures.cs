using Assets.Mappings;
using Assets.Partitions;

namespace Assets.Core.Tests.Automation.Fixtures;

/// <summary>orders (observed, late after 6h) -> cleaned (identity) -> weekly (7-day window) and total (all partitions).</summary>
public static class ObservedProject
{
    [Asset]
    [DailyPartitions("2026-01-01", End = "2026-01-10", Timezone = "Europe/Berlin")]
    public static IEnumerable<Row> Orders() => [];

    [SourceObserver(nameof(Orders), LateAfter = "6h")]
    public static SourceObservation OrdersFile(SourceContext context) => SourceObservation.Absent($"orders/{context.PartitionKey}.csv");

    [Asset]
    [DailyPartitions("2026-01-01", End = "2026-01-10", Timezone = "Europe/Berlin")]
    public static IEnumerable<Row> Cleaned(IEnumerable<Row> orders) => orders;

    [Asset]
    [DailyPartitions("2026-01-01", End = "2026-01-10", Timezone = "Europe/Berlin")]
    public static IEnumerable<Row> Weekly([Window(-6, 0)] IEnumerable<Row> cleaned) => cleaned;

    [Asset]
    public static IEnumerable<Row> Total([AllPartitions] IEnumerable<Row> cleaned) => cleaned;
}

public static class ObserverOfNothing
{
    [Asset]
    public static IEnumerable<Row> Thing() => [];

    [SourceObserver("no_such_asset")]
    public static SourceObservation Look() => SourceObservation.Absent("x");
}

public static class BadObservers
{
    [Asset]
    public static IEnumerable<Row> Thing() => [];

    [SourceObserver(nameof(Thing), LateAfter = "soon")]
    public static string Look(IEnumerable<Row> thing) => "x";

    [SourceObserver(nameof(Thing))]
    public static SourceObservation AgainOne() => SourceObservation.Absent("x");
}

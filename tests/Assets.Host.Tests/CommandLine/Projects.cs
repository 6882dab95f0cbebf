using Assets.Mappings;
using Assets.Partitions;

// Asset declarations the command-line tests load as a user's project would.
namespace Assets.Host.Tests.CommandLine.Projects;

public sealed record Order(string Id, decimal Amount);

public sealed record Summary(long Orders);

[AssetGroup("sales")]
public static class ShopAssets
{
    [Asset(Description = "Orders as exported", Owners = ["data@shop.io"], Tags = ["tier=gold"])]
    [DailyPartitions("2026-01-01", End = "2026-01-31", Timezone = "Europe/Berlin")]
    [Freshness(MaxLag = "3h")]
    public static IEnumerable<Order> RawOrders(AssetContext context) => [];

    [Asset]
    [DailyPartitions("2026-01-01", End = "2026-01-31", Timezone = "Europe/Berlin")]
    public static IEnumerable<Order> CleanOrders(IEnumerable<Order> rawOrders) => rawOrders;

    [Asset]
    [DailyPartitions("2026-01-01", End = "2026-01-31", Timezone = "Europe/Berlin")]
    public static IEnumerable<Order> RollingRevenue([Window(-6, 0)] IEnumerable<Order> cleanOrders) => cleanOrders;

    [Asset(CodeVersion = "2")]
    public static Summary AllTimeSummary([AllPartitions] IEnumerable<Order> cleanOrders) => new(cleanOrders.LongCount());

    [AssetCheck(nameof(CleanOrders), Blocking = true)]
    public static CheckResult NoNegativeAmounts(IEnumerable<Order> cleanOrders) => CheckResult.Pass();
}

public static class BrokenAssets
{
    [Asset]
    public static IEnumerable<Order> Left(IEnumerable<Order> right) => right;

    [Asset]
    public static IEnumerable<Order> Right(IEnumerable<Order> left) => left;

    [Asset]
    [DailyPartitions("2026-01-01", Timezone = "Europe/Berln")]
    public static IEnumerable<Order> Zoned() => [];
}

/// <summary>An asset with no freshness policy, no observer and no automation.</summary>
public static class PlainAssets
{
    [Asset]
    public static IEnumerable<Order> Orders() => [];
}

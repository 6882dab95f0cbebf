using Assets.Mappings;
using Assets.Partitions;

// Small projects of asset declarations, one class per situation; the graph builder reads them like a user's assembly.
namespace Assets.Core.Tests.Graph.Fixtures;

public sealed record Row(string Id, decimal Amount);

public sealed record Total(decimal Amount);

public interface IWeatherClient;

[AssetGroup("sales")]
public static class ValidProject
{
    [Asset(Description = "Orders as exported", Owners = ["data@shop.io"], Tags = ["tier=gold", "pii"])]
    [DailyPartitions("2026-01-01", End = "2026-01-31", Timezone = "Europe/Berlin")]
    [Freshness(MaxLag = "3h", WarnAfter = "2h")]
    [Retry(MaxAttempts = 4, Delay = "2s", Backoff = Backoff.ExponentialWithJitter)]
    public static Task<IReadOnlyList<Row>> RawOrders(AssetContext context, CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyList<Row>>([new Row(context.Partition!.Value.Value, 1m)]);

    [Asset(Tags = ["tier=silver"])]
    [DailyPartitions("2026-01-01", End = "2026-01-31", Timezone = "Europe/Berlin")]
    public static IEnumerable<Row> CleanOrders(IEnumerable<Row> rawOrders) => rawOrders.Where(r => r.Amount >= 0);

    [Asset]
    [DailyPartitions("2026-01-01", End = "2026-01-31", Timezone = "Europe/Berlin")]
    public static IEnumerable<Row> RollingRevenue([Window(-6, 0)] IEnumerable<Row> cleanOrders) => cleanOrders;

    [Asset(CodeVersion = "7")]
    public static Total AllTimeSummary([AllPartitions] IAsyncEnumerable<Row> cleanOrders, IWeatherClient weather) => new(0m);

    [Asset(Deps = ["all_time_summary"])]
    [StaticPartitions("us", "eu", "apac")]
    public static MaterializeResult RegionExport([AllPartitions] IReadOnlyList<Row> cleanOrders) => new();

    [AssetCheck(nameof(CleanOrders), Blocking = true, Description = "no negative amounts")]
    public static CheckResult NoNegativeAmounts(IEnumerable<Row> cleanOrders)
        => cleanOrders.Any(r => r.Amount < 0) ? CheckResult.Fail("negative amounts") : CheckResult.Pass();

    [AssetCheck("clean_orders")]
    public static Task<CheckResult> HasRows(IEnumerable<Row> cleanOrders) => Task.FromResult(CheckResult.Pass());
}

[AssetGroup("billing")]
public sealed class InstanceAssets(IWeatherClient weather)
{
    [Asset(KeyPrefix = "billing")]
    public IEnumerable<Row> Invoices([From("clean_orders")] [AllPartitions] IEnumerable<Row> orders)
        => weather is null ? [] : orders;
}

public static class CycleProject
{
    [Asset]
    public static IEnumerable<Row> Alpha(IEnumerable<Row> gamma) => gamma;

    [Asset]
    public static IEnumerable<Row> Beta(IEnumerable<Row> alpha) => alpha;

    [Asset]
    public static IEnumerable<Row> Gamma(IEnumerable<Row> beta) => beta;

    [Asset]
    public static IEnumerable<Row> Delta(IEnumerable<Row> gamma) => gamma;
}

public static class UnknownDependencyProject
{
    [Asset]
    public static IEnumerable<Row> RawOrders() => [];

    [Asset]
    public static IEnumerable<Row> CleanOrders(IEnumerable<Row> rawOrder) => rawOrder;

    [Asset]
    public static IEnumerable<Row> Report([From("raw_ordres")] IEnumerable<Row> orders) => orders;

    [Asset(Deps = ["raw_orderz"])]
    public static IEnumerable<Row> Export() => [];
}

public static class MismatchProject
{
    [Asset]
    [StaticPartitions("us", "eu")]
    public static IEnumerable<Row> Regions() => [];

    [Asset]
    [DailyPartitions("2026-01-01")]
    public static IEnumerable<Row> Daily(IEnumerable<Row> regions) => regions;

    [Asset]
    public static IEnumerable<Row> Unpartitioned(IEnumerable<Row> daily) => daily;
}

public static class DuplicateProjectA
{
    [Asset]
    public static IEnumerable<Row> RawOrders() => [];
}

public static class DuplicateProjectB
{
    [Asset]
    public static IEnumerable<Row> RawOrders() => [];
}

public static class SignatureProject
{
    [Asset]
    public static void NoResult()
    {
    }

    [Asset]
    public static Task NoRows() => Task.CompletedTask;

    [Asset]
    public static IEnumerable<T> Generic<T>() => [];

    [Asset]
    public static IEnumerable<Row> ByRef(ref int counter) => [];

    [Asset]
    public static IEnumerable<int> Scalars() => [];

    [Asset]
    public static IEnumerable<Row> Unresolvable(IWeatherClient weather) => [];

    [Asset]
    public static Task<IAsyncEnumerable<Row>> WrappedStream() => Task.FromResult(AsyncEnumerable.Empty<Row>());
}

public static class TimeProject
{
    [Asset]
    [DailyPartitions("2026-01-01", Timezone = "Europe/Berlinn")]
    public static IEnumerable<Row> BadZone() => [];

    [Asset]
    [DailyPartitions("2026-02-01", End = "2026-01-01")]
    public static IEnumerable<Row> EndBeforeStart() => [];

    [Asset]
    [DailyPartitions("2026-13-01")]
    public static IEnumerable<Row> BadStart() => [];
}

public static class PolicyProject
{
    [Asset]
    [Freshness(MaxLag = "three hours")]
    public static IEnumerable<Row> BadLag() => [];

    [Asset]
    [Retry(MaxAttempts = 0)]
    public static IEnumerable<Row> NoAttempts() => [];

    [Asset]
    [Freshness(Deadline = "61 6 * * *", Timezone = "Mars/Olympus")]
    public static IEnumerable<Row> BadDeadline() => [];
}

public static class TypeMismatchProject
{
    [Asset]
    public static IEnumerable<Row> Orders() => [];

    [Asset]
    public static IEnumerable<Total> Totals(IEnumerable<Total> orders) => orders;

    [Asset]
    public static MaterializeResult Exported() => new();

    [Asset]
    public static IEnumerable<Row> ReadsExported(IEnumerable<Row> exported) => exported;
}

public static class CheckProblemsProject
{
    [Asset]
    public static IEnumerable<Row> Orders() => [];

    [AssetCheck("ordrs")]
    public static CheckResult UnknownAsset(IEnumerable<Row> orders) => CheckResult.Pass();

    [AssetCheck(nameof(Orders))]
    public static bool WrongResult(IEnumerable<Row> orders) => true;

    [AssetCheck(nameof(Orders))]
    public static CheckResult NoData() => CheckResult.Pass();
}

public sealed record DatedRow(DateOnly Day, decimal Amount);

public static class GoodRangeProject
{
    [Asset]
    [DailyPartitions("2026-01-01", Timezone = "America/New_York")]
    [RangeRuns(PartitionBy = nameof(DatedRow.Day), MaxPartitions = 7)]
    public static IEnumerable<DatedRow> GoodRanges() => [];
}

public static class RangeRunsProject
{
    [Asset]
    [StaticPartitions("us", "eu")]
    [RangeRuns(PartitionBy = nameof(DatedRow.Day))]
    public static IEnumerable<DatedRow> StaticRanges() => [];

    [Asset]
    [DailyPartitions("2026-01-01")]
    [RangeRuns(PartitionBy = nameof(DatedRow.Amount))]
    public static IEnumerable<DatedRow> WrongProperty() => [];

    [Asset]
    [DailyPartitions("2026-01-01")]
    [RangeRuns(PartitionBy = nameof(DatedRow.Day))]
    public static MaterializeResult ReportRanges() => new();
}

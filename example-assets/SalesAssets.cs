using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Assets;
using Assets.Mappings;
using Assets.Partitions;
using ExampleAssets.Cleaning;
using ExampleAssets.Csv;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ExampleAssets;

/// <summary>
/// The shop's sales pipeline: the daily orders export as it arrives (<c>raw_orders</c>), cleaned
/// (<c>clean_orders</c>, guarded by two blocking checks), and three views of revenue: a rolling week per
/// day, all time per region, and all time for the whole shop.
/// </summary>
[AssetGroup("sales")]
public static partial class SalesAssets
{
    private const string FirstDay = "2026-01-01";
    private const string LastDay = "2026-01-31";
    private const string ShopTimeZone = "Europe/Berlin";
    private const string DataTeam = "data@shop.io";

    /// <summary>How many offending ids a failed check names; the count says how many there are in all.</summary>
    private const int NamedInFailure = 5;

    // The parsing lives in CsvRecords (CsvHelper), which a code version derived from this body would not see: bump
    // CodeVersion when it or the row mapping below changes, so published days are re-read.
    [Asset(
        Description = "Orders exported by the shop, one CSV file per day, every row as written.",
        Owners = [DataTeam],
        Tags = ["layer=raw", "source=shop-export"],
        CodeVersion = "1")]
    [DailyPartitions(FirstDay, End = LastDay, Timezone = ShopTimeZone)]
    [Freshness(MaxLag = "3h")]
    [Retry(MaxAttempts = 4, Delay = "2s", Backoff = Backoff.ExponentialWithJitter)]
    [Automation(AutomationKind.Eager)]
    public static async Task<IReadOnlyList<RawOrder>> RawOrders(AssetContext context, IOptions<ExampleOptions> options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var path = options.Value.OrdersFile(PartitionDay(context));

        // The whole file is read first: a day's export is a few hundred kilobytes, and its checksum in the
        // manifest lets anyone tell later which version of the file a partition was built from. Other I/O
        // errors (a share that is briefly unreachable) propagate and are retried.
        byte[] content;
        try
        {
            content = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SourceNotArrivedException(path);
        }

        var rows = new List<RawOrder>();
        using (var reader = new StreamReader(new MemoryStream(content, writable: false), Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
        {
            try
            {
                CsvRecord? header = null;
                foreach (var record in CsvRecords.Read(reader))
                {
                    if (header is null)
                    {
                        header = record;
                        CheckHeader(path, header);
                        continue;
                    }

                    cancellationToken.ThrowIfCancellationRequested();
                    rows.Add(ToRawOrder(record));
                }

                if (header is null)
                {
                    throw new NonRetryableException($"{path} is empty: expected the header '{string.Join(',', RawOrder.Columns)}' and a row per order.");
                }
            }
            catch (CsvFormatException e)
            {
                // A retry reads the same bytes: only a new export can fix it.
                throw new NonRetryableException($"{path} cannot be read as CSV at {e.Message}", e);
            }
        }

        context.AddMetadata("source_path", path);
        context.AddMetadata("source_bytes", content.LongLength);
        context.AddMetadata("source_sha256", Convert.ToHexStringLower(SHA256.HashData(content)));
        context.AddMetadata("rows", rows.Count);
        LogRead(context.Logger, rows.Count, path, content.LongLength);
        return rows;
    }

    /// <summary>
    /// Whether a day's export has arrived, and which version of it (a hash of its bytes), without parsing it: the daemon
    /// observes every day each tick, so a late file is picked up as it lands and a re-exported day makes its partition,
    /// and everything that read it, stale. A day whose file is still missing six hours after the day ended fails.
    /// </summary>
    [SourceObserver(nameof(RawOrders), LateAfter = "6h")]
    public static Task<SourceObservation> OrdersExport(SourceContext context, IOptions<ExampleOptions> options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var window = context.TimeWindow ?? throw new InvalidOperationException($"{context.Partition} has no time window: raw_orders is partitioned by day.");
        return SourceObservation.OfFileAsync(options.Value.OrdersFile(window.StartDate.ToDateOnly()), cancellationToken);
    }

    // The rules live in OrderCleaning (so they can be tested row by row), which a derived code version
    // would not see: bump CodeVersion when they change, so published days are cleaned again.
    [Asset(
        Description = "The day's valid orders: malformed rows, refunds and repeated order ids dropped (counts by reason in the metadata).",
        Owners = [DataTeam],
        Tags = ["layer=clean"],
        CodeVersion = "1")]
    [DailyPartitions(FirstDay, End = LastDay, Timezone = ShopTimeZone)]
    [Automation(AutomationKind.Eager)]
    public static IReadOnlyList<Order> CleanOrders(IEnumerable<RawOrder> rawOrders, AssetContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var outcome = OrderCleaning.Clean(rawOrders, RequireTimeWindow(context));
        context.AddMetadata("rows_in", outcome.RowsIn);
        context.AddMetadata("rows_out", outcome.Orders.Count);
        context.AddMetadata("rows_dropped", outcome.RowsDropped);
        foreach (var (reason, count) in outcome.Dropped)
        {
            context.AddMetadata("dropped_" + reason.Name(), count);
        }

        // One line per partition, not per reason or row: the counts by reason are in the metadata above.
        if (DroppedRowsSummary.Describe(outcome) is { } dropped)
        {
            LogDropped(context.Logger, $"{context.Asset}[{context.Partition}]", dropped);
        }

        return outcome.Orders;
    }

    [AssetCheck(nameof(CleanOrders), Blocking = true, Description = "No order has a negative amount: refunds belong in the refunds export, not in revenue.")]
    public static CheckResult NoNegativeAmounts(IEnumerable<Order> cleanOrders)
    {
        var checkedRows = 0;
        var negative = new List<Order>();
        foreach (var order in cleanOrders)
        {
            checkedRows++;
            if (order.Amount < 0)
            {
                negative.Add(order);
            }
        }

        var metadata = new Dictionary<string, object?> { ["checked_rows"] = checkedRows, ["negative_amounts"] = negative.Count };
        if (negative.Count == 0)
        {
            return CheckResult.Pass($"none of {checkedRows} orders has a negative amount", metadata);
        }

        var named = string.Join(", ", negative.Take(NamedInFailure).Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.OrderId} ({o.Amount})")));
        return CheckResult.Fail($"{negative.Count} of {checkedRows} orders have a negative amount: {named}{(negative.Count > NamedInFailure ? ", ..." : string.Empty)}.", metadata);
    }

    [AssetCheck(nameof(CleanOrders), Blocking = true, Description = "Every order id occurs once: a repeated id would count an order's revenue twice.")]
    public static CheckResult UniqueOrderIds(IEnumerable<Order> cleanOrders)
    {
        var occurrences = new Dictionary<string, int>(StringComparer.Ordinal);
        var repeated = new List<string>(); // in order of first repetition, so the message is stable
        foreach (var order in cleanOrders)
        {
            var count = occurrences.GetValueOrDefault(order.OrderId) + 1;
            occurrences[order.OrderId] = count;
            if (count == 2)
            {
                repeated.Add(order.OrderId);
            }
        }

        var surplus = repeated.Sum(id => occurrences[id] - 1);
        var metadata = new Dictionary<string, object?> { ["checked_rows"] = occurrences.Values.Sum(), ["repeated_ids"] = repeated.Count, ["surplus_rows"] = surplus };
        if (repeated.Count == 0)
        {
            return CheckResult.Pass($"all {occurrences.Count} order ids are unique", metadata);
        }

        var named = string.Join(", ", repeated.Take(NamedInFailure).Select(id => string.Create(CultureInfo.InvariantCulture, $"{id} ({occurrences[id]}x)")));
        return CheckResult.Fail($"{repeated.Count} order ids occur more than once ({surplus} surplus rows): {named}{(repeated.Count > NamedInFailure ? ", ..." : string.Empty)}.", metadata);
    }

    [Asset(
        Description = "Revenue of the seven days ending on each day, per region and in total (a window at the start of the data covers the days that exist).",
        Owners = [DataTeam],
        Tags = ["layer=mart"])]
    [DailyPartitions(FirstDay, End = LastDay, Timezone = ShopTimeZone)]
    [RangeRuns(PartitionBy = nameof(DailyRevenue.Day))]
    [Automation(AutomationKind.Eager)]
    public static IReadOnlyList<DailyRevenue> RollingRevenue(AssetContext context, [Window(-6, 0)] IEnumerable<Order> cleanOrders)
    {
        ArgumentNullException.ThrowIfNull(context);

        // A backfill may run a range of days in one call (backfill start --max-partitions-per-run N): the orders then
        // cover every window of the range, and each day's rows go to that day's partition by their Day.
        var days = context.KeyRange is { Keys.Count: > 1 } range ? range.Keys.Select(ParseDay).ToList() : [PartitionDay(context)];
        var orders = cleanOrders.ToList();

        // The days covered are the upstream partitions the window mapping read: fewer than seven at the start of the
        // data, where the window is clipped. Without that information (a test's context) the data itself tells the
        // earliest day present.
        var daysRead = context.GetUpstreamPartitions(AssetKey.ToSnakeCase(nameof(CleanOrders))).OfType<PartitionKey>().Select(ParseDay).ToList();
        var result = new List<DailyRevenue>();
        foreach (var day in days)
        {
            var (rows, windowStart, windowDays) = RollingRevenueOf(day, orders, daysRead);
            result.AddRange(rows);
            if (days.Count == 1)
            {
                context.AddMetadata("window_start", windowStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                context.AddMetadata("window_days", windowDays);
            }
        }

        return result;
    }

    private static (List<DailyRevenue> Rows, DateOnly WindowStart, int Days) RollingRevenueOf(DateOnly day, IReadOnlyList<Order> allOrders, IReadOnlyList<DateOnly> upstreamDays)
    {
        var earliest = day.AddDays(-6);
        var daysRead = upstreamDays.Where(d => d >= earliest && d <= day).ToList();
        var orders = allOrders.Where(o => o.OrderDate >= earliest && o.OrderDate <= day).ToList();
        var windowStart = daysRead.Count > 0 ? daysRead.Min()
            : orders.Count > 0 ? orders.Min(o => o.OrderDate)
            : day;
        var days = day.DayNumber - windowStart.DayNumber + 1;

        DailyRevenue Row(string region, IReadOnlyCollection<Order> rows)
        {
            var revenue = rows.Sum(o => o.Amount);
            return new DailyRevenue
            {
                Day = day,
                Region = region,
                WindowStart = windowStart,
                WindowEnd = day,
                Days = days,
                Orders = rows.Count,
                Units = rows.Sum(o => (long)o.Quantity),
                Revenue = revenue,
                AverageDailyRevenue = Math.Round(revenue / days, 2, MidpointRounding.AwayFromZero),
            };
        }

        var result = SalesRegions.All
            .Select(region => orders.Where(o => o.Region == region).ToList())
            .Where(rows => rows.Count > 0)
            .Select(rows => Row(rows[0].Region, rows))
            .ToList();
        result.Add(Row(DailyRevenue.AllRegions, orders));
        return (result, windowStart, days);
    }

    private static DateOnly ParseDay(PartitionKey key) => DateOnly.ParseExact(key.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    // The totals come from SalesTotals, which the derived code version does not see: bump CodeVersion
    // when it changes, so published regions are recomputed.
    [Asset(
        Description = "All-time revenue of one region, over every day of clean orders.",
        Owners = [DataTeam],
        CodeVersion = "1",
        Tags = ["layer=mart"])]
    [StaticPartitions(SalesRegions.Us, SalesRegions.Eu, SalesRegions.Apac)]
    [Automation(AutomationKind.Eager)]
    public static RegionRevenue RegionRevenue(AssetContext context, [AllPartitions] IEnumerable<Order> cleanOrders)
    {
        ArgumentNullException.ThrowIfNull(context);
        var region = context.Partition?.Value
            ?? throw new InvalidOperationException("region_revenue is partitioned by region, but the context has no partition.");
        var orders = cleanOrders.Where(o => o.Region == region).ToList();
        var totals = SalesTotals.Of(orders);
        return new RegionRevenue
        {
            Region = region,
            Orders = totals.Orders,
            Customers = totals.Customers,
            Units = totals.Units,
            Revenue = totals.Revenue,
            AverageOrderValue = totals.AverageOrderValue,
            Days = totals.Days,
            FirstOrder = orders.Count == 0 ? null : orders.Min(o => o.OrderedAt),
            LastOrder = orders.Count == 0 ? null : orders.Max(o => o.OrderedAt),
        };
    }

    // The totals come from SalesTotals, which the derived code version does not see: bump CodeVersion when it changes.
    [Asset(
        Description = "The shop's sales over every day of clean orders, in one row.",
        Owners = [DataTeam],
        CodeVersion = "1",
        Tags = ["layer=mart"])]
    [Automation(AutomationKind.Eager)]
    public static Summary AllTimeSummary([AllPartitions] IEnumerable<Order> cleanOrders)
    {
        var orders = cleanOrders.ToList();
        var totals = SalesTotals.Of(orders);
        var topProduct = orders
            .GroupBy(o => o.Product, StringComparer.Ordinal)
            .Select(g => (Product: g.Key, Revenue: g.Sum(o => o.Amount)))
            .OrderByDescending(p => p.Revenue)
            .ThenBy(p => p.Product, StringComparer.Ordinal)
            .FirstOrDefault();
        return new Summary
        {
            Orders = totals.Orders,
            Customers = totals.Customers,
            Units = totals.Units,
            Revenue = totals.Revenue,
            AverageOrderValue = totals.AverageOrderValue,
            Days = totals.Days,
            FirstDay = orders.Count == 0 ? null : orders.Min(o => o.OrderDate),
            LastDay = orders.Count == 0 ? null : orders.Max(o => o.OrderDate),
            Regions = orders.Select(o => o.Region).Distinct(StringComparer.Ordinal).Count(),
            TopProduct = topProduct.Product,
            TopProductRevenue = topProduct.Revenue,
        };
    }

    private static PartitionTimeWindow RequireTimeWindow(AssetContext context)
        => context.TimeWindow
            ?? throw new InvalidOperationException($"{context.Asset} is daily-partitioned, but the context has no time window.");

    /// <summary>The shop's business day of a daily partition (its date in Europe/Berlin).</summary>
    private static DateOnly PartitionDay(AssetContext context) => RequireTimeWindow(context).StartDate.ToDateOnly();

    private static void CheckHeader(string path, CsvRecord header)
    {
        var columns = header.Fields.Select(f => f.Trim()).ToList();
        if (!columns.SequenceEqual(RawOrder.Columns, StringComparer.OrdinalIgnoreCase))
        {
            // The export's format is a contract with the shop: a changed header needs a changed asset.
            throw new NonRetryableException(
                $"{path} has the header '{string.Join(',', header.Fields)}', expected '{string.Join(',', RawOrder.Columns)}': "
                + "the export format changed; adapt RawOrders and RawOrder to it.");
        }
    }

    private static RawOrder ToRawOrder(CsvRecord record)
    {
        var fields = record.Fields;
        string? Field(int index) => index < fields.Count ? fields[index] : null;
        return new RawOrder
        {
            Line = record.Line,
            FieldCount = fields.Count,
            OrderId = Field(0),
            OrderedAt = Field(1),
            Customer = Field(2),
            Region = Field(3),
            Product = Field(4),
            Quantity = Field(5),
            UnitPrice = Field(6),
            Amount = Field(7),
            Currency = Field(8),
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Read {Rows} rows from {Path} ({Bytes} bytes)")]
    private static partial void LogRead(ILogger logger, int rows, string path, long bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Partition}: {Dropped}")]
    private static partial void LogDropped(ILogger logger, string partition, string dropped);
}

using System.Globalization;
using Assets;
using Assets.Partitions;
using Microsoft.Extensions.Options;

namespace Sales;

/// <summary>The project's assets: each method is a dataset, its parameters say what it reads.</summary>
public static class SalesAssets
{
    // The days the sample exports in incoming/ cover. Widen End (or remove it: every day up to today) as exports arrive.
    private const string FirstDay = "2026-01-01";
    private const string LastDay = "2026-01-03";

    /// <summary>A day's export, every row as written. Retried on I/O errors; a malformed row fails the day for good.</summary>
    [Asset(Description = "Sales exported by the stores, one CSV file per day.")]
    [DailyPartitions(FirstDay, End = LastDay)]
    [Freshness(MaxLag = "1d")]
    public static async Task<IReadOnlyList<Sale>> RawSales(AssetContext context, IOptions<SalesOptions> options, CancellationToken cancellationToken)
    {
        var path = options.Value.FileOf(DayOf(context));
        string[] lines;
        try
        {
            lines = await File.ReadAllLinesAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SourceNotArrivedException(path); // the step waits for the file instead of failing
        }

        var sales = new List<Sale>();
        for (var i = 1; i < lines.Length; i++) // line 1 is the header
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            var fields = lines[i].Split(',');
            if (fields.Length != 3 || !decimal.TryParse(fields[2], NumberStyles.Number, CultureInfo.InvariantCulture, out var amount))
            {
                // Reading the same bytes again will not help: only a corrected export will.
                throw new NonRetryableException($"{path} line {i + 1}: expected sale_id,store,amount, found '{lines[i]}'.");
            }

            sales.Add(new Sale { SaleId = fields[0], Store = fields[1], Amount = amount });
        }

        context.AddMetadata("source_path", path);
        context.AddMetadata("rows", sales.Count);
        return sales;
    }

    /// <summary>Whether a day's export has arrived, and which version of it: a changed file makes the day stale.</summary>
    [SourceObserver(nameof(RawSales), LateAfter = "6h")]
    public static Task<SourceObservation> IncomingFile(SourceContext context, IOptions<SalesOptions> options, CancellationToken cancellationToken)
        => SourceObservation.OfFileAsync(options.Value.FileOf(context.TimeWindow!.StartDate.ToDateOnly()), cancellationToken);

    /// <summary>Blocking: a day with a negative amount is quarantined (not published) until its export is corrected.</summary>
    [AssetCheck(nameof(RawSales), Blocking = true, Description = "No sale has a negative amount.")]
    public static CheckResult NoNegativeAmounts(IEnumerable<Sale> rawSales)
    {
        var negative = rawSales.Where(s => s.Amount < 0).Select(s => s.SaleId).ToList();
        return negative.Count == 0 ? CheckResult.Pass() : CheckResult.Fail($"{negative.Count} sales with a negative amount: {string.Join(", ", negative.Take(5))}");
    }

    /// <summary>Each store's total of the day, from the same day of raw_sales.</summary>
    [Asset(Description = "The day's total per store.")]
    [DailyPartitions(FirstDay, End = LastDay)]
    public static IReadOnlyList<DailyTotal> DailyTotals(IEnumerable<Sale> rawSales, AssetContext context)
    {
        var day = DayOf(context);
        return [.. rawSales
            .GroupBy(s => s.Store, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new DailyTotal { Day = day, Store = g.Key, Sales = g.Count(), Amount = g.Sum(s => s.Amount) })];
    }

    private static DateOnly DayOf(AssetContext context) => context.TimeWindow!.StartDate.ToDateOnly();
}

// Generates the example's source data: one CSV export of the shop's orders per day of January 2026,
// the way a real shop system would drop them into example-assets/source/orders/<yyyy-MM-dd>.csv.
//
//   dotnet run example-assets/tools/generate-source.cs                 (re)write the 31 files
//   dotnet run example-assets/tools/generate-source.cs -- --check      exit 1 if the committed files differ
//   dotnet run example-assets/tools/generate-source.cs -- OUTPUT_DIR   write somewhere else
//
// (from the repository root; inside example-assets/, whose project file dotnet run would pick instead,
// write dotnet run --file tools/generate-source.cs). The example's project does not compile tools/.
//
// The output depends only on this file: a fixed-seed SplitMix64 (implemented below, not System.Random,
// whose algorithm may change between runtimes), invariant formatting, '\n' line endings, UTF-8 without
// a BOM. Each day has its own seed, so changing how one day is made leaves the other files as they are.
//
// Every day carries a handful of realistic defects that clean_orders must drop (see Defect below):
// always a row with a missing field, a non-numeric quantity, an exact duplicate of an earlier row
// (an export retried half-way) and a refund exported by mistake (the original order's row with a
// negative amount); some days also an unknown region, an unparsable timestamp, an amount that does
// not match quantity x unit price, or an empty order id.
using System.Globalization;
using System.Text;

var check = args.Contains("--check");
var outputArgument = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal));
var scriptDirectory = AppContext.GetData("EntryPointFileDirectoryPath") as string
    ?? Path.Combine(Directory.GetCurrentDirectory(), "example-assets", "tools");
var outputDirectory = Path.GetFullPath(outputArgument ?? Path.Combine(scriptDirectory, "..", "source", "orders"));

var first = new DateOnly(2026, 1, 1);
var last = new DateOnly(2026, 1, 31);
var differences = 0;
long totalRows = 0;
long totalBytes = 0;
if (!check)
{
    Directory.CreateDirectory(outputDirectory);
}

for (var day = first; day <= last; day = day.AddDays(1))
{
    var (content, rows, defects) = OrderExport.ForDay(day);
    var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(content);
    var path = Path.Combine(outputDirectory, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ".csv");
    totalRows += rows;
    totalBytes += bytes.Length;
    if (check)
    {
        if (!File.Exists(path) || !File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
        {
            Console.Error.WriteLine($"differs: {path}");
            differences++;
        }
    }
    else
    {
        File.WriteAllBytes(path, bytes);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{path}: {rows} rows, {bytes.Length} bytes, defects: {string.Join(", ", defects)}"));
    }
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{(check ? "checked" : "wrote")} 31 files, {totalRows} rows, {totalBytes / 1024.0 / 1024.0:0.00} MiB in {outputDirectory}"));
if (differences > 0)
{
    Console.Error.WriteLine($"{differences} file(s) differ from what this generator makes: run it without --check to rewrite them.");
    return 1;
}

return 0;

/// <summary>What kind of damage a defective row has; the names are what the generator prints.</summary>
internal enum Defect
{
    MissingField,
    NonNumericQuantity,
    DuplicateRow,
    NegativeAmount,
    UnknownRegion,
    UnparsableTimestamp,
    AmountMismatch,
    EmptyOrderId,
}

internal sealed record Product(string Name, decimal UnitPrice, int Weight);

internal sealed record GeneratedOrder(int SecondOfDay, int Sequence, int Customer, string Region, Product Product, int Quantity);

internal static class OrderExport
{
    private const ulong Seed = 0x2026_0001_5A1E_5EEDUL;

    private const string Header = "order_id,ordered_at,customer,region,product,quantity,unit_price,amount,currency";

    // A few products with fixed prices; some names need CSV quoting (a comma, a double quote).
    private static readonly Product[] Products =
    [
        new("Cable, USB-C 2m", 12.90m, 30),
        new("Charger 65W", 39.00m, 14),
        new("Headphones, over-ear", 89.00m, 8),
        new("Keyboard", 59.90m, 9),
        new("Mouse", 24.50m, 14),
        new("Mug \"Classic\" 350ml", 9.50m, 12),
        new("Notebook A5", 4.20m, 20),
        new("Monitor 27\"", 279.00m, 3),
        new("Laptop Stand", 45.00m, 6),
        new("Webcam HD", 69.99m, 5),
    ];

    // Orders per hour of the (Berlin) day: quiet nights, a lunch bump, a busy evening.
    private static readonly int[] HourWeights = [2, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 11, 13, 12, 10, 10, 11, 13, 16, 19, 20, 17, 11, 5];

    private static readonly int[] QuantityWeights = [50, 25, 12, 8, 5];

    private static readonly Defect[] OptionalDefects = [Defect.UnknownRegion, Defect.UnparsableTimestamp, Defect.AmountMismatch, Defect.EmptyOrderId];

    /// <summary>The CSV text of one day's export, its row count (without the header) and its defects.</summary>
    public static (string Content, int Rows, IReadOnlyList<Defect> Defects) ForDay(DateOnly day)
    {
        // The Berlin offset is written as a constant: January has no daylight saving change in
        // Europe/Berlin (it starts on 29 March 2026), so every local time of the month is +01:00.
        if (day.Month != 1)
        {
            throw new ArgumentOutOfRangeException(nameof(day), day, "The generator writes +01:00 offsets, which are right for January only.");
        }

        var random = new SplitMix64(Seed ^ ((ulong)day.DayNumber * 0x9E37_79B9_7F4A_7C15UL));
        var target = RowsFor(day, random);

        // Orders are drawn in random time order, then numbered in time order like a shop system would.
        var drawn = new List<(int Second, int Customer, Product Product, int Quantity)>(target);
        for (var i = 0; i < target - 2; i++)
        {
            var hour = random.PickWeighted(HourWeights);
            var second = (hour * 3600) + random.Next(3600);
            var customer = 1 + (int)(12_000 * Math.Pow(random.NextDouble(), 1.6)); // repeat customers are common
            var product = Products[random.PickWeighted(Products.Select(p => p.Weight).ToArray())];
            var quantity = 1 + random.PickWeighted(QuantityWeights);
            drawn.Add((second, customer, product, quantity));
        }

        var orders = drawn
            .Select((o, index) => (o, index))
            .OrderBy(x => x.o.Second).ThenBy(x => x.index)
            .Select((x, sequence) => new GeneratedOrder(x.o.Second, sequence + 1, x.o.Customer, RegionOf(x.o.Customer), x.o.Product, x.o.Quantity))
            .ToList();
        var rows = orders.Select(o => Fields(day, o)).ToList();

        // Damage a few orders in place (each distinct, none of them a duplicate's or refund's source).
        var defects = new List<Defect> { Defect.MissingField, Defect.NonNumericQuantity };
        var extra = random.Next(4); // 0 to 3 optional defects
        var optional = OptionalDefects.OrderBy(_ => random.Next(1000)).Take(extra).ToList();
        defects.AddRange(optional);
        var used = new HashSet<int>();
        int Untouched()
        {
            int index;
            do
            {
                index = random.Next(orders.Count);
            }
            while (!used.Add(index));
            return index;
        }

        var duplicateSource = Untouched();
        var refundSource = Untouched();
        foreach (var defect in defects)
        {
            var index = Untouched();
            Damage(rows[index], defect, orders[index], random);
        }

        // Rows added to the export: an exact copy of a row a little later (a retried export), and the
        // refund of an earlier order, which the shop exported with the orders by mistake.
        var duplicate = rows[duplicateSource].ToList();
        var refund = rows[refundSource].ToList();
        refund[7] = (-decimal.Parse(refund[7], CultureInfo.InvariantCulture)).ToString("0.00", CultureInfo.InvariantCulture);
        var refundAt = Math.Min(rows.Count, refundSource + 1 + random.Next(800));
        rows.Insert(refundAt, refund);
        var duplicateAt = Math.Min(rows.Count, duplicateSource + (duplicateSource >= refundAt ? 1 : 0) + 1 + random.Next(120));
        rows.Insert(duplicateAt, duplicate);
        defects.Add(Defect.DuplicateRow);
        defects.Add(Defect.NegativeAmount);

        var text = new StringBuilder((rows.Count + 1) * 90);
        text.Append(Header).Append('\n');
        foreach (var row in rows)
        {
            text.AppendJoin(',', row.Select(Quote)).Append('\n');
        }

        return (text.ToString(), rows.Count, defects);
    }

    /// <summary>2,000 to 3,500 rows in all: weekends are busier, New Year's Day is quiet.</summary>
    private static int RowsFor(DateOnly day, SplitMix64 random)
    {
        var weekday = day.DayOfWeek switch
        {
            DayOfWeek.Monday => 2400,
            DayOfWeek.Tuesday => 2300,
            DayOfWeek.Wednesday => 2350,
            DayOfWeek.Thursday => 2500,
            DayOfWeek.Friday => 2800,
            DayOfWeek.Saturday => 3250,
            _ => 3000,
        };
        if (day is { Month: 1, Day: 1 })
        {
            weekday = 2100;
        }

        return Math.Clamp(weekday - 150 + random.Next(301), 2000, 3500);
    }

    private static string RegionOf(int customer) => ((customer * 7919) % 20) switch
    {
        < 11 => "eu",
        < 17 => "us",
        _ => "apac",
    };

    private static List<string> Fields(DateOnly day, GeneratedOrder order)
    {
        var time = TimeOnly.FromTimeSpan(TimeSpan.FromSeconds(order.SecondOfDay));
        var amount = order.Quantity * order.Product.UnitPrice;
        return
        [
            string.Create(CultureInfo.InvariantCulture, $"O-{day:yyyyMMdd}-{order.Sequence:D6}"),
            string.Create(CultureInfo.InvariantCulture, $"{day:yyyy-MM-dd}T{time:HH:mm:ss}+01:00"),
            string.Create(CultureInfo.InvariantCulture, $"C-{order.Customer:D6}"),
            order.Region,
            order.Product.Name,
            order.Quantity.ToString(CultureInfo.InvariantCulture),
            order.Product.UnitPrice.ToString("0.00", CultureInfo.InvariantCulture),
            amount.ToString("0.00", CultureInfo.InvariantCulture),
            "EUR",
        ];
    }

    private static void Damage(List<string> row, Defect defect, GeneratedOrder order, SplitMix64 random)
    {
        switch (defect)
        {
            case Defect.MissingField:
                row.RemoveAt(2); // the customer column went missing: 8 fields instead of 9
                break;
            case Defect.NonNumericQuantity:
                row[5] = random.Pick(["two", "3 pcs", "1O", "n/a"]);
                break;
            case Defect.UnknownRegion:
                row[3] = random.Pick(["latam", "europe", "mena"]);
                break;
            case Defect.UnparsableTimestamp:
                var time = TimeOnly.FromTimeSpan(TimeSpan.FromSeconds(order.SecondOfDay));
                row[1] = string.Create(CultureInfo.InvariantCulture, $"{row[1][8..10]}.{row[1][5..7]}.{row[1][..4]} {time:HH:mm}"); // dd.MM.yyyy HH:mm
                break;
            case Defect.AmountMismatch:
                // The unit price instead of the line total (and for a single item, a cent off).
                row[7] = (order.Quantity > 1 ? order.Product.UnitPrice : order.Product.UnitPrice + 0.01m).ToString("0.00", CultureInfo.InvariantCulture);
                break;
            case Defect.EmptyOrderId:
                row[0] = string.Empty;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(defect), defect, "Not a defect of one row.");
        }
    }

    /// <summary>RFC 4180: a field with a comma, a double quote or a line break is quoted, its quotes doubled.</summary>
    private static string Quote(string field)
        => field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, well-mixed 64-bit generator, written out here so the
/// data never depends on the runtime's Random algorithm.
/// </summary>
internal sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E37_79B9_7F4A_7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer in [0, bound), without modulo bias (Lemire's multiply-shift with rejection).</summary>
    public int Next(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        var range = (ulong)bound;
        while (true)
        {
            var product = Math.BigMul(NextUInt64(), range, out var low);
            if (low >= (0 - range) % range)
            {
                return (int)product;
            }
        }
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public int PickWeighted(int[] weights)
    {
        var roll = Next(weights.Sum());
        for (var i = 0; i < weights.Length; i++)
        {
            roll -= weights[i];
            if (roll < 0)
            {
                return i;
            }
        }

        throw new InvalidOperationException("unreachable: the roll is below the sum of the weights");
    }

    public T Pick<T>(T[] choices) => choices[Next(choices.Length)];
}

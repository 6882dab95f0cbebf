using System.Globalization;
using Assets.Partitions;
using NodaTime;

namespace ExampleAssets.Cleaning;

/// <summary>
/// The rules that turn a day's <see cref="RawOrder"/> rows into valid <see cref="Order"/>s: what
/// <c>clean_orders</c> does. A row is dropped, with the first <see cref="DropReason"/> that applies (in the
/// enum's order), when it has the wrong number of fields, an empty order id, customer or product, a time
/// that is not ISO-8601 with a UTC offset or that lies outside the partition's day, a region the shop does
/// not sell in, a quantity that is not a whole number of at least 1, a price or amount that is not a
/// number, a negative price or amount (a refund exported by mistake), a currency other than EUR, or an
/// amount that is not quantity times unit price to within half a cent. Of the remaining rows with the same
/// order id only the first is kept (an export retried half-way repeats rows). Fields are trimmed, regions
/// lower-cased and currencies upper-cased before they are judged.
/// </summary>
public static class OrderCleaning
{
    /// <summary>The only currency the shop sells in; sums over mixed currencies would be meaningless.</summary>
    public const string Currency = "EUR";

    /// <summary>How far an amount may be from quantity times unit price: rounding to the cent, no more.</summary>
    public const decimal AmountTolerance = 0.005m;

    /// <summary>How many example rows are kept per drop reason, for logs.</summary>
    public const int ExamplesPerReason = 5;

    private const NumberStyles IntegerStyle = NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite;

    private const NumberStyles DecimalStyle = IntegerStyle | NumberStyles.AllowDecimalPoint;

    // ISO-8601 with an explicit offset ("+01:00") or "Z": a time without one is ambiguous and rejected.
    private static readonly string[] TimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:sszzz",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd'T'HH:mm:ss'Z'",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
    ];

    /// <summary>Cleans the rows of the partition whose time window is <paramref name="day"/>.</summary>
    public static CleaningOutcome Clean(IEnumerable<RawOrder> rows, PartitionTimeWindow day)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(day);
        var orders = new List<Order>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var dropped = new SortedDictionary<DropReason, int>();
        var examples = new List<DroppedRow>();
        var rowsIn = 0;
        foreach (var row in rows)
        {
            rowsIn++;
            var reason = TryParse(row, day, out var order);
            if (reason is null && !seen.Add(order!.OrderId))
            {
                reason = DropReason.DuplicateOrderId;
            }

            if (reason is { } drop)
            {
                var count = dropped.GetValueOrDefault(drop) + 1;
                dropped[drop] = count;
                if (count <= ExamplesPerReason)
                {
                    examples.Add(new DroppedRow(row.Line, row.OrderId, drop));
                }

                continue;
            }

            orders.Add(order!);
        }

        return new CleaningOutcome(orders, rowsIn, dropped, examples);
    }

    /// <summary>The order a row stands for, or the first reason it is not one.</summary>
    public static DropReason? TryParse(RawOrder row, PartitionTimeWindow day, out Order? order)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(day);
        order = null;
        if (row.FieldCount != RawOrder.Columns.Count)
        {
            return DropReason.WrongFieldCount;
        }

        var orderId = row.OrderId?.Trim();
        if (string.IsNullOrEmpty(orderId))
        {
            return DropReason.MissingOrderId;
        }

        if (!DateTimeOffset.TryParseExact(row.OrderedAt?.Trim(), TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var orderedAt))
        {
            return DropReason.UnparsableOrderedAt;
        }

        // The export of a day holds that day's orders; one from another day would be counted twice or on
        // the wrong day, and the window is the partition's, not the wall clock's.
        if (!day.Interval.Contains(Instant.FromDateTimeOffset(orderedAt)))
        {
            return DropReason.OutsidePartitionDay;
        }

        var customer = row.Customer?.Trim();
        if (string.IsNullOrEmpty(customer))
        {
            return DropReason.MissingCustomer;
        }

        var region = row.Region?.Trim().ToLowerInvariant();
        if (region is null || !SalesRegions.All.Contains(region))
        {
            return DropReason.UnknownRegion;
        }

        var product = row.Product?.Trim();
        if (string.IsNullOrEmpty(product))
        {
            return DropReason.MissingProduct;
        }

        if (!int.TryParse(row.Quantity, IntegerStyle, CultureInfo.InvariantCulture, out var quantity))
        {
            return DropReason.UnparsableQuantity;
        }

        if (quantity < 1)
        {
            return DropReason.NonPositiveQuantity;
        }

        if (!decimal.TryParse(row.UnitPrice, DecimalStyle, CultureInfo.InvariantCulture, out var unitPrice))
        {
            return DropReason.UnparsableUnitPrice;
        }

        if (!decimal.TryParse(row.Amount, DecimalStyle, CultureInfo.InvariantCulture, out var amount))
        {
            return DropReason.UnparsableAmount;
        }

        if (unitPrice < 0 || amount < 0)
        {
            return DropReason.NegativeAmount;
        }

        var currency = row.Currency?.Trim().ToUpperInvariant();
        if (currency != Currency)
        {
            return DropReason.UnsupportedCurrency;
        }

        if (Math.Abs(amount - (quantity * unitPrice)) > AmountTolerance)
        {
            return DropReason.AmountMismatch;
        }

        order = new Order
        {
            OrderId = orderId,
            OrderedAt = orderedAt.UtcDateTime,
            OrderDate = day.StartDate.ToDateOnly(),
            Customer = customer,
            Region = region,
            Product = product,
            Quantity = quantity,
            UnitPrice = unitPrice,
            Amount = amount,
            Currency = currency,
        };
        return null;
    }

    /// <summary>The name of a reason in metadata and logs: <c>negative_amount</c>.</summary>
    public static string Name(this DropReason reason) => Assets.AssetKey.ToSnakeCase(reason.ToString());
}

namespace ExampleAssets;

/// <summary>
/// One row of the shop's daily orders export, exactly as written: every column as text, nothing parsed,
/// trimmed or dropped, so "what did the file say?" can always be answered from <c>raw_orders</c>, and the
/// rules that judge rows live in one place (<c>clean_orders</c>), where changing them re-derives the data.
/// A column the row does not have is <c>null</c> (the row had fewer fields than the header);
/// <see cref="FieldCount"/> tells how many it had.
/// </summary>
public sealed record RawOrder
{
    /// <summary>The columns of the export, in order: the header every file must have.</summary>
    public static readonly IReadOnlyList<string> Columns =
        ["order_id", "ordered_at", "customer", "region", "product", "quantity", "unit_price", "amount", "currency"];

    /// <summary>The line of the file the row starts on (the header is line 1).</summary>
    public int Line { get; init; }

    /// <summary>How many fields the row had; <see cref="Columns"/> has the count a well-formed row has.</summary>
    public int FieldCount { get; init; }

    public string? OrderId { get; init; }

    /// <summary>ISO-8601 local time with its UTC offset, as the shop writes it (<c>2026-01-05T13:45:12+01:00</c>).</summary>
    public string? OrderedAt { get; init; }

    public string? Customer { get; init; }

    public string? Region { get; init; }

    public string? Product { get; init; }

    public string? Quantity { get; init; }

    public string? UnitPrice { get; init; }

    public string? Amount { get; init; }

    public string? Currency { get; init; }
}

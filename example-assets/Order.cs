namespace ExampleAssets;

/// <summary>
/// A valid order line of the shop, as <c>clean_orders</c> keeps it. Every order is unique by
/// <see cref="OrderId"/>, has a positive quantity, a non-negative price and an amount equal to
/// quantity times unit price (to the cent), in one of the regions of <see cref="SalesRegions"/>.
/// </summary>
/// <remarks>
/// Records are rows of Parquet files, so every property is a type Parquet.Net can store and the record
/// has a parameterless constructor: times are BCL <see cref="DateTime"/> and <see cref="DateOnly"/>, not
/// NodaTime's <c>Instant</c> or <c>LocalDate</c>, which Parquet.Net cannot serialize.
/// </remarks>
public sealed record Order
{
    public string OrderId { get; init; } = string.Empty;

    /// <summary>
    /// When the order was placed, in UTC. A <see cref="DateTime"/> in UTC rather than a
    /// <see cref="DateTimeOffset"/> so every row is on one clock and no reader has to interpret offsets;
    /// the local day is kept in <see cref="OrderDate"/>. Parquet hands it back with
    /// <see cref="DateTimeKind.Unspecified"/>: it is UTC all the same.
    /// </summary>
    public DateTime OrderedAt { get; init; }

    /// <summary>The shop's business day of the order (its date in Europe/Berlin): the daily partition it belongs to.</summary>
    public DateOnly OrderDate { get; init; }

    public string Customer { get; init; } = string.Empty;

    /// <summary>One of <see cref="SalesRegions.All"/>, lower case.</summary>
    public string Region { get; init; } = string.Empty;

    public string Product { get; init; } = string.Empty;

    public int Quantity { get; init; }

    public decimal UnitPrice { get; init; }

    /// <summary>Quantity times unit price, in <see cref="Currency"/>.</summary>
    public decimal Amount { get; init; }

    /// <summary>The ISO 4217 code; the shop sells in <c>EUR</c> only.</summary>
    public string Currency { get; init; } = string.Empty;
}

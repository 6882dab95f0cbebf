namespace ExampleAssets.Cleaning;

/// <summary>Why <c>clean_orders</c> dropped a row; a row gets the first reason that applies, in this order.</summary>
public enum DropReason
{
    /// <summary>The row has more or fewer fields than the header (a field went missing, or a comma was not quoted).</summary>
    WrongFieldCount,

    /// <summary>The order id is empty.</summary>
    MissingOrderId,

    /// <summary>The order time is not ISO-8601 with a UTC offset (<c>2026-01-05T13:45:12+01:00</c>).</summary>
    UnparsableOrderedAt,

    /// <summary>The order time is not within the day of the file's partition.</summary>
    OutsidePartitionDay,

    /// <summary>The customer is empty.</summary>
    MissingCustomer,

    /// <summary>The region is not one the shop sells in (<see cref="SalesRegions.All"/>).</summary>
    UnknownRegion,

    /// <summary>The product is empty.</summary>
    MissingProduct,

    /// <summary>The quantity is not a whole number.</summary>
    UnparsableQuantity,

    /// <summary>The quantity is zero or negative.</summary>
    NonPositiveQuantity,

    /// <summary>The unit price is not a number.</summary>
    UnparsableUnitPrice,

    /// <summary>The amount is not a number.</summary>
    UnparsableAmount,

    /// <summary>The amount or unit price is negative: a refund, which belongs in the refunds export.</summary>
    NegativeAmount,

    /// <summary>The currency is not EUR.</summary>
    UnsupportedCurrency,

    /// <summary>The amount is not quantity times unit price (more than half a cent off).</summary>
    AmountMismatch,

    /// <summary>An earlier valid row of the file has the same order id.</summary>
    DuplicateOrderId,
}

namespace Sales;

/// <summary>One sale as exported: a row of a day's CSV file (columns: sale_id,store,amount).</summary>
public sealed record Sale
{
    /// <summary>The export's id of the sale.</summary>
    public string SaleId { get; init; } = string.Empty;

    /// <summary>The store that sold.</summary>
    public string Store { get; init; } = string.Empty;

    /// <summary>The amount, in the shop's currency.</summary>
    public decimal Amount { get; init; }
}

/// <summary>The total of one store on one day.</summary>
public sealed record DailyTotal
{
    /// <summary>The day.</summary>
    public DateOnly Day { get; init; }

    /// <summary>The store.</summary>
    public string Store { get; init; } = string.Empty;

    /// <summary>How many sales.</summary>
    public int Sales { get; init; }

    /// <summary>Their amount.</summary>
    public decimal Amount { get; init; }
}

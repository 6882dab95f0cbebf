namespace ExampleAssets;

/// <summary><c>all_time_summary</c>: the shop's sales over every day of data, in one row.</summary>
public sealed record Summary
{
    public long Orders { get; init; }

    public int Customers { get; init; }

    public long Units { get; init; }

    public decimal Revenue { get; init; }

    /// <summary>Revenue per order, to the cent; 0 without orders.</summary>
    public decimal AverageOrderValue { get; init; }

    /// <summary>How many days had at least one order.</summary>
    public int Days { get; init; }

    /// <summary>The first day with an order; <c>null</c> without orders.</summary>
    public DateOnly? FirstDay { get; init; }

    /// <summary>The last day with an order; <c>null</c> without orders.</summary>
    public DateOnly? LastDay { get; init; }

    /// <summary>How many regions had at least one order.</summary>
    public int Regions { get; init; }

    /// <summary>The product with the most revenue (the first by name on a tie); <c>null</c> without orders.</summary>
    public string? TopProduct { get; init; }

    public decimal TopProductRevenue { get; init; }
}

namespace ExampleAssets;

/// <summary>A partition of <c>region_revenue</c>: the all-time sales of one region.</summary>
public sealed record RegionRevenue
{
    public string Region { get; init; } = string.Empty;

    public long Orders { get; init; }

    public int Customers { get; init; }

    public long Units { get; init; }

    public decimal Revenue { get; init; }

    /// <summary>Revenue per order, to the cent; 0 without orders.</summary>
    public decimal AverageOrderValue { get; init; }

    /// <summary>How many days had at least one order in the region.</summary>
    public int Days { get; init; }

    /// <summary>The first order's time in UTC; <c>null</c> without orders.</summary>
    public DateTime? FirstOrder { get; init; }

    /// <summary>The last order's time in UTC; <c>null</c> without orders.</summary>
    public DateTime? LastOrder { get; init; }
}

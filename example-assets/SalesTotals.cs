namespace ExampleAssets;

/// <summary>The totals region_revenue and all_time_summary both report, computed one way for both.</summary>
internal sealed record SalesTotals(long Orders, int Customers, long Units, decimal Revenue, decimal AverageOrderValue, int Days)
{
    public static SalesTotals Of(IReadOnlyCollection<Order> orders)
    {
        var revenue = orders.Sum(o => o.Amount);
        return new SalesTotals(
            orders.Count,
            orders.Select(o => o.Customer).Distinct(StringComparer.Ordinal).Count(),
            orders.Sum(o => (long)o.Quantity),
            revenue,
            orders.Count == 0 ? 0m : Math.Round(revenue / orders.Count, 2, MidpointRounding.AwayFromZero),
            orders.Select(o => o.OrderDate).Distinct().Count());
    }
}

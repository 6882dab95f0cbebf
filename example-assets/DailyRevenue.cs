namespace ExampleAssets;

/// <summary>
/// A row of <c>rolling_revenue</c>: the revenue of the seven days ending on <see cref="Day"/>, for one region
/// or, with <see cref="Region"/> <see cref="AllRegions"/>, for the whole shop. Each partition holds one row
/// per region that sold anything in the window, then the total row, so a dashboard can show either without
/// summing. A window that reaches before the first day of data covers only the days that exist:
/// <see cref="WindowStart"/> and <see cref="Days"/> say which.
/// </summary>
public sealed record DailyRevenue
{
    /// <summary>The value of <see cref="Region"/> on the row that totals every region.</summary>
    public const string AllRegions = "all";

    /// <summary>The partition's day: the last day of the window.</summary>
    public DateOnly Day { get; init; }

    /// <summary>A region of <see cref="SalesRegions.All"/>, or <see cref="AllRegions"/>.</summary>
    public string Region { get; init; } = string.Empty;

    /// <summary>The first day the window covers (later than six days before <see cref="Day"/> when earlier days do not exist).</summary>
    public DateOnly WindowStart { get; init; }

    /// <summary>The last day the window covers: <see cref="Day"/>.</summary>
    public DateOnly WindowEnd { get; init; }

    /// <summary>How many days the window covers: 7, or fewer at the start of the data.</summary>
    public int Days { get; init; }

    public long Orders { get; init; }

    public long Units { get; init; }

    public decimal Revenue { get; init; }

    /// <summary><see cref="Revenue"/> divided by <see cref="Days"/>, to the cent: comparable across short and full windows.</summary>
    public decimal AverageDailyRevenue { get; init; }
}

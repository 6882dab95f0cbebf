namespace Sales;

/// <summary>Where the daily exports arrive (configuration section <c>Sales</c>).</summary>
public sealed class SalesOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Sales";

    /// <summary>The folder of the daily exports, <c>YYYY-MM-DD.csv</c>; a relative path is relative to the program. Default: <c>incoming</c>.</summary>
    public string InputDir { get; set; } = "incoming";

    /// <summary>The export of one day.</summary>
    public string FileOf(DateOnly day)
        => Path.Combine(Path.GetFullPath(InputDir, AppContext.BaseDirectory), day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + ".csv");
}

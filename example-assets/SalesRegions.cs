namespace ExampleAssets;

/// <summary>The regions the shop sells in: the values of <see cref="Order.Region"/> and the partitions of <c>region_revenue</c>.</summary>
public static class SalesRegions
{
    public const string Us = "us";
    public const string Eu = "eu";
    public const string Apac = "apac";

    /// <summary>Every region, in the order of <c>region_revenue</c>'s partitions.</summary>
    public static readonly IReadOnlyList<string> All = [Us, Eu, Apac];
}

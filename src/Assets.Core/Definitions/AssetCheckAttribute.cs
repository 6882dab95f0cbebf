namespace Assets;

/// <summary>
/// Declares a method as a data-quality check of an asset, run against the staged output of every
/// materialization before it is published. The method takes the asset's data as a parameter (named
/// after the asset, like a dependency) and returns a <see cref="CheckResult"/>. A failing
/// <see cref="Blocking"/> check quarantines the partition: nothing is published.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class AssetCheckAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="asset">The checked asset: its key, or its method name (<c>nameof(CleanOrders)</c>).</param>
    public AssetCheckAttribute(string asset) => Asset = asset;

    /// <summary>The checked asset: its key, or its method name.</summary>
    public string Asset { get; }

    /// <summary>Whether a failure stops the publish. Default: <c>false</c> (a failure is recorded as a warning).</summary>
    public bool Blocking { get; set; }

    /// <summary>What the check asserts, for people. Default: none.</summary>
    public string? Description { get; set; }
}

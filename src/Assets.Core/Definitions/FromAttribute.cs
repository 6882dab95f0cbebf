namespace Assets;

/// <summary>
/// Names the upstream asset a parameter reads when the parameter's name is not the asset's key in
/// camelCase (<c>[From("sales/raw_orders")] IEnumerable&lt;Order&gt; orders</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class FromAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="assetKey">The upstream asset's key.</param>
    public FromAttribute(string assetKey) => AssetKey = assetKey;

    /// <summary>The upstream asset's key.</summary>
    public string AssetKey { get; }
}

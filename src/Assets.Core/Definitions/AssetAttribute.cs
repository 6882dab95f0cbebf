namespace Assets;

/// <summary>
/// Declares a method as a software-defined asset. Its key is the method name in snake_case under an
/// optional <see cref="KeyPrefix"/>; its upstream assets are the parameters whose names match asset keys
/// (or that carry <see cref="FromAttribute"/>), plus the non-data dependencies in <see cref="Deps"/>.
/// Every other parameter beside <see cref="AssetContext"/> and <see cref="CancellationToken"/> is a
/// service resolved from the host's <see cref="IServiceProvider"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class AssetAttribute : Attribute
{
    /// <summary>What the asset holds, for people. Default: none.</summary>
    public string? Description { get; set; }

    /// <summary>A prefix for the key, segments separated by <c>/</c> (<c>sales</c> makes <c>sales/raw_orders</c>). Default: none.</summary>
    public string? KeyPrefix { get; set; }

    /// <summary>
    /// An explicit key instead of the snake_case method name (without the prefix). Default: none.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>Who to ask about the asset: e-mail addresses or team names. Default: none.</summary>
    public string[] Owners { get; set; } = [];

    /// <summary>Labels as <c>key=value</c> or a bare <c>key</c>; selectable with <c>tag:key=value</c>. Default: none.</summary>
    public string[] Tags { get; set; } = [];

    /// <summary>
    /// The version of the asset's logic. Changing it marks every published partition stale. Default:
    /// derived from the method body, so editing the method marks its partitions stale by itself.
    /// </summary>
    public string? CodeVersion { get; set; }

    /// <summary>
    /// Keys of upstream assets this asset depends on without reading their data through a parameter
    /// (it reads them elsewhere, or only needs them to be published first). Default: none.
    /// </summary>
    public string[] Deps { get; set; } = [];
}

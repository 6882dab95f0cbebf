namespace Assets.Graph;

/// <summary>One thing wrong in a project's asset definitions, with what to change.</summary>
/// <param name="Asset">The asset concerned, when it has a key.</param>
/// <param name="Location">Where it is declared (<c>SalesAssets.CleanOrders</c>), when known.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record DefinitionError(AssetKey? Asset, string? Location, string Message)
{
    /// <summary><c>clean_orders (SalesAssets.CleanOrders): message</c>.</summary>
    public override string ToString()
        => (Asset, Location) switch
        {
            (not null, not null) => $"{Asset} ({Location}): {Message}",
            (not null, null) => $"{Asset}: {Message}",
            (null, not null) => $"{Location}: {Message}",
            _ => Message,
        };
}

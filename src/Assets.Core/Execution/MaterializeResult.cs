namespace Assets;

/// <summary>
/// Returned by an asset body that writes its data elsewhere (a database, an API) and only reports
/// what it did. Nothing is written to the asset's Parquet files; the manifest records the metadata.
/// </summary>
public sealed class MaterializeResult
{
    /// <summary>Facts about the write, such as row counts or a table name. Values are strings, numbers or booleans.</summary>
    public IReadOnlyDictionary<string, object?> Metadata { get; init; } = new Dictionary<string, object?>();

    /// <summary>
    /// A version of the data written, when the body knows one (a snapshot id, a content hash).
    /// Downstream partitions become stale when it changes. Default: derived from <see cref="Metadata"/>.
    /// </summary>
    public string? DataVersion { get; init; }
}

namespace Assets.Storage.Parquet;

/// <summary>
/// The rows a write handed to its file, kept (up to <see cref="Limit"/>) so that readers of that file in the same
/// process can take from them the columns that come back unchanged instead of decoding them again.
/// </summary>
/// <param name="limit">The most rows kept; a file with more keeps none.</param>
internal sealed class WrittenRows(long limit)
{
    /// <summary>The most rows kept.</summary>
    public long Limit { get; } = limit;

    /// <summary>The rows written, in file order, once the write completed within <see cref="Limit"/>; otherwise <c>null</c>.</summary>
    public IReadOnlyList<object>? Rows { get; set; }
}

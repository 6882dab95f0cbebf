namespace Assets.Storage.Parquet;

/// <summary>How <see cref="ParquetRecordFormat"/> writes a record file.</summary>
/// <remarks>
/// The bytes of a file depend on these options (a different row group size gives a different file, and so a
/// different content hash for the same rows): the executor always writes with <see cref="Default"/>.
/// </remarks>
public sealed record ParquetWriteOptions
{
    /// <summary>The row group size the framework writes with: 100,000 rows.</summary>
    public const int DefaultRowGroupSize = 100_000;

    /// <summary>The options the framework writes asset outputs with.</summary>
    public static ParquetWriteOptions Default { get; } = new();

    /// <summary>
    /// Rows per row group (greater than zero). The writer holds one row group of records in memory at a time,
    /// so this bounds its memory whatever the length of the input.
    /// </summary>
    public int RowGroupSize { get; init; } = DefaultRowGroupSize;
}

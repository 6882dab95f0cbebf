namespace Assets.Storage.Parquet;

/// <summary>What was written to one record file, computed while writing (the bytes are never re-read).</summary>
/// <param name="Rows">The number of records written.</param>
/// <param name="Bytes">The number of bytes written to the destination.</param>
/// <param name="Sha256">The SHA-256 of the bytes written, as lower-case hex.</param>
/// <param name="Schema">A stable description of the columns, see <see cref="ParquetRecordFormat.DescribeSchema(Type)"/>.</param>
public sealed record RecordFileSummary(long Rows, long Bytes, string Sha256, string Schema);

namespace Assets.Graph;

/// <summary>What an asset body returns, which decides how its output is stored and read back.</summary>
public enum AssetOutputKind
{
    /// <summary>A collection of records (<c>IEnumerable&lt;T&gt;</c>, a list, an array), written as Parquet.</summary>
    Rows,

    /// <summary>An <c>IAsyncEnumerable&lt;T&gt;</c> of records, written as Parquet row group by row group.</summary>
    RowStream,

    /// <summary>One record, written as a one-row Parquet file.</summary>
    SingleRecord,

    /// <summary>A <see cref="MaterializeResult"/>: the body wrote elsewhere and reports metadata only.</summary>
    Report,
}

/// <summary>The shape of an asset body's result.</summary>
/// <param name="Kind">What is returned.</param>
/// <param name="RecordType">The record type of rows or a single record; <c>null</c> for <see cref="AssetOutputKind.Report"/>.</param>
/// <param name="IsAwaitable">Whether the body returns a <see cref="Task{TResult}"/> or <see cref="ValueTask{TResult}"/> of it.</param>
public sealed record AssetOutput(AssetOutputKind Kind, Type? RecordType, bool IsAwaitable)
{
    /// <summary>Whether the output is data that downstream assets can read.</summary>
    public bool HasData => Kind != AssetOutputKind.Report;
}

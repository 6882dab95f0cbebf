using Assets.Graph;

namespace Assets.Execution;

/// <summary>
/// A materialization store that can hand over a partition's records in chunks, for readers that want every row
/// anyway (a collection parameter): rows a store already holds in memory then move as one list instead of one
/// asynchronous step per row through every layer between the store and the parameter.
/// </summary>
internal interface IRowChunkReader
{
    /// <summary>
    /// The records of the published version of <paramref name="partition"/>, the same rows in the same order as
    /// <see cref="IMaterializationStore.ReadAsync"/>, in chunks; none when it was never published. A chunk may be
    /// shared with other readers: it is only read.
    /// </summary>
    IAsyncEnumerable<IReadOnlyList<object>> ReadChunksAsync(Type recordType, AssetPartition partition, CancellationToken cancellationToken);
}

/// <summary>A stream of records that a reader taking every row can read in chunks instead (the same rows, in the same order).</summary>
internal interface IRowChunks
{
    /// <summary>The rows in chunks; a chunk may be shared with other readers, so it is only read.</summary>
    IAsyncEnumerable<IReadOnlyList<object>> Chunks { get; }
}

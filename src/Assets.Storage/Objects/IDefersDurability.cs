namespace Assets.Storage.Objects;

/// <summary>
/// An object store whose creates can leave making the object durable to a <see cref="DurabilityBatch"/> (the local store:
/// a file flush and a folder flush per object otherwise). The publish protocol uses it for what no pointer names yet, and
/// flushes the batch before the pointer swap; stores without it (S3, memory) make every write durable as they always do.
/// </summary>
internal interface IDefersDurability
{
    /// <summary>
    /// <see cref="IObjectStore.CreateIfAbsentAsync"/>, visible under its key when this returns, durable once
    /// <paramref name="durability"/> is flushed (never, for <see cref="DurabilityBatch.Transient"/>).
    /// </summary>
    Task<WriteResult> CreateIfAbsentAsync(ObjectKey key, ReadOnlyMemory<byte> content, DurabilityBatch durability, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="IAdoptsLocalFiles.AdoptIfAbsentAsync"/>, visible under its key when this returns, durable once
    /// <paramref name="durability"/> is flushed.
    /// </summary>
    Task<WriteResult> AdoptIfAbsentAsync(ObjectKey key, string localPath, string sha256, DurabilityBatch durability, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates <paramref name="key"/> as a new, empty file and opens it for writing in place, for an object nothing names
    /// until it is complete (a publication's staged data file: only a manifest the pointer names makes it readable, and both
    /// come after it); <c>null</c>, creating nothing, when the key exists. Unlike a create, the name exists while the content
    /// is written, so a crash can leave it short; gc removes such a file with the materialization it belonged to. The
    /// folders that got new entries go into <paramref name="durability"/>; the caller adds the file once it is written.
    /// </summary>
    FileStream? CreateInPlace(ObjectKey key, DurabilityBatch durability);

    /// <summary>
    /// <see cref="IObjectStore.ReplaceIfMatchAsync"/> that flushes <paramref name="flushFirst"/> in the same round as the new
    /// content, before the swap: what the new object names is durable before it is, at the cost of one round of flushes
    /// instead of two. The swap itself is durable when this returns, as with every replace, unless
    /// <paramref name="swapFlushedLater"/> is given: then what makes the swap durable (its folder's flush) goes into that
    /// batch instead, and the caller flushes it before anything relies on the swap surviving a power loss (the publish
    /// protocol hands it to a metadata store that flushes it before it commits the publish's record,
    /// <see cref="Metadata.IFlushesBeforeCommit"/>). Only for a root one process writes: another process could otherwise
    /// compare against a version a power loss takes back.
    /// </summary>
    Task<WriteResult> ReplaceIfMatchAsync(ObjectKey key, ReadOnlyMemory<byte> content, ObjectVersion? expected, DurabilityBatch flushFirst, DurabilityBatch? swapFlushedLater = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes an object created with <see cref="DurabilityBatch.Transient"/> (a staging marker) as cheaply as the store can:
    /// the local store unlinks it and, with <paramref name="removeEmptyFolder"/>, removes its own folder if that is now empty,
    /// but keeps the folders above it, which the next such object would create again. Returns whether it was there.
    /// </summary>
    Task<bool> DeleteTransientAsync(ObjectKey key, bool removeEmptyFolder, CancellationToken cancellationToken = default);
}

namespace Assets.Storage.Objects;

/// <summary>
/// Where the bytes of a root live: a local folder, S3, or memory (for tests). Every write is
/// conditional, so the publish protocol never overwrites blindly:
/// <list type="bullet">
/// <item><see cref="CreateIfAbsentAsync"/> writes an object that must not exist yet (data files and
/// manifests are written once, under a new materialization id);</item>
/// <item><see cref="ReplaceIfMatchAsync"/> is the compare-and-swap of the pointer, the only object ever replaced.</item>
/// </list>
/// An object is visible under its key whole or not at all: a crash in the middle of a write never
/// leaves a torn object behind its final key. Implementations are thread-safe.
/// </summary>
public interface IObjectStore
{
    /// <summary>Where the store is, for messages (<c>/data/assets</c>, <c>s3://bucket/prefix</c>); never holds credentials.</summary>
    string Location { get; }

    /// <summary>
    /// Whether the store itself enforces conditions on writes. When <c>false</c> (s3rver ignores
    /// <c>If-None-Match</c> and <c>If-Match</c>), writes are still atomic but a concurrent writer on another
    /// machine is kept out only by the metadata store's lease.
    /// </summary>
    bool EnforcesConditionalWrites { get; }

    /// <summary>Reads a small object whole with its version; <c>null</c> when it does not exist.</summary>
    Task<StoredObject?> GetAsync(ObjectKey key, CancellationToken cancellationToken = default);

    /// <summary>Opens an object for streaming reads (data files); <c>null</c> when it does not exist. The caller disposes the stream.</summary>
    Task<Stream?> OpenReadAsync(ObjectKey key, CancellationToken cancellationToken = default);

    /// <summary>The size of an object in bytes; <c>null</c> when it does not exist.</summary>
    Task<long?> GetSizeAsync(ObjectKey key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="content"/> (read to its end, not disposed) under <paramref name="key"/> if no
    /// object is there; otherwise writes nothing and returns a conflict. Large content is uploaded in parts.
    /// </summary>
    Task<WriteResult> CreateIfAbsentAsync(ObjectKey key, Stream content, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the object under <paramref name="key"/> with <paramref name="content"/> if its current version is
    /// <paramref name="expected"/> (or, when <paramref name="expected"/> is <c>null</c>, if there is none);
    /// otherwise writes nothing and returns a conflict with the current version.
    /// </summary>
    Task<WriteResult> ReplaceIfMatchAsync(ObjectKey key, ReadOnlyMemory<byte> content, ObjectVersion? expected, CancellationToken cancellationToken = default);

    /// <summary>Deletes an object; returns whether one was there.</summary>
    Task<bool> DeleteAsync(ObjectKey key, CancellationToken cancellationToken = default);

    /// <summary>Every object whose key starts with <paramref name="prefix"/> (a folder: end it with <c>/</c>), in ordinal key order.</summary>
    IAsyncEnumerable<ObjectEntry> ListAsync(string prefix, CancellationToken cancellationToken = default);
}

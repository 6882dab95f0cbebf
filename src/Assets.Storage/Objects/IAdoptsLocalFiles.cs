namespace Assets.Storage.Objects;

/// <summary>
/// An object store that can take a finished local file as a new object without copying it through a stream: the local
/// store moves it into place. Large staged data files then cost one write instead of a write and a copy. Optional:
/// callers fall back to <see cref="IObjectStore.CreateIfAbsentAsync"/> for stores that do not implement it.
/// </summary>
public interface IAdoptsLocalFiles
{
    /// <summary>
    /// Makes the file at <paramref name="localPath"/> the object <paramref name="key"/> when no such object exists, with the
    /// same guarantees as <see cref="IObjectStore.CreateIfAbsentAsync"/> (durable before it is visible, never
    /// overwriting). The file is moved away on success and left where it is on a conflict. The caller vouches that the
    /// file is complete and no longer written, and that <paramref name="sha256"/> is its SHA-256 (lower-case hex).
    /// </summary>
    Task<WriteResult> AdoptIfAbsentAsync(ObjectKey key, string localPath, string sha256, CancellationToken cancellationToken = default);
}

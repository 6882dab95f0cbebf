using System.Buffers;
using System.Security.Cryptography;

namespace Assets.Storage.Objects.Local;

/// <summary>
/// An object store in a local folder, the embedded default. A key's <c>/</c> segments are folders under
/// the root and its last segment the file name.
/// <para>
/// Every write goes to a temporary file in the object's own folder (named <c>.tmp-</c> and 32 hex digits),
/// is flushed to disk, and is then moved under its final name in one atomic step, after which the folder
/// is flushed too; so an object is visible whole or not at all, and a crash leaves at most a temporary
/// file that no read or listing sees and <see cref="DeleteAbandonedTempFilesAsync"/> removes.
/// <see cref="CreateIfAbsentAsync"/> moves with <c>link()</c>, which fails when the name exists, so two
/// creators of one key never both succeed. <see cref="ReplaceIfMatchAsync"/> holds an exclusive,
/// cross-process lock on a sidecar file (the object's file name plus <c>.lock</c>) while it compares the
/// version and renames over the old file; lock files stay in place once created.
/// </para>
/// <para>
/// A version is the first 32 hex digits of the content's SHA-256, the same in every process, so the
/// compare-and-swap works between processes; the same content therefore has the same version.
/// </para>
/// <para>
/// Limits: a key whose last segment ends with <c>.lock</c> or is a temporary file's name is reserved and
/// rejected with <see cref="ArgumentException"/>; a key cannot be both an object and a folder of other
/// keys (<c>a</c> and <c>a/b</c>); on a case-insensitive file system keys differing only in case collide;
/// the no-overwrite move needs a file system with hard links (<see cref="NoOverwriteMove"/>: it fails with a clear
/// error elsewhere rather than fall back to a check-then-rename), and the lock needs working <c>flock</c> (not some
/// network file systems).
/// </para>
/// </summary>
public sealed partial class LocalObjectStore : IObjectStore, IAdoptsLocalFiles, IDefersDurability
{
    private const int CopyBufferSize = 1 << 20;
    private const int LockStripes = 64;
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    private readonly string _root;
    private readonly string _rootWithSeparator;
    private readonly TimeProvider _timeProvider;

    // Writers in this process queue here before taking the file lock, so they do not spin on flock.
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, LockStripes).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>Opens (and creates, if missing) a store in the folder <paramref name="rootPath"/>.</summary>
    /// <param name="rootPath">The absolute path of the root folder.</param>
    public LocalObjectStore(string rootPath)
        : this(rootPath, TimeProvider.System)
    {
    }

    /// <summary>Opens (and creates, if missing) a store in the folder <paramref name="rootPath"/>, with a clock for the age of abandoned temporary files.</summary>
    /// <param name="rootPath">The absolute path of the root folder.</param>
    /// <param name="timeProvider">The clock.</param>
    public LocalObjectStore(string rootPath, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootPath);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (!Path.IsPathFullyQualified(rootPath))
        {
            throw new ArgumentException($"The root '{rootPath}' is not an absolute path: resolve it first (StorageRoot.Parse does).", nameof(rootPath));
        }

        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootPath));
        _rootWithSeparator = _root.EndsWith(Path.DirectorySeparatorChar) ? _root : _root + Path.DirectorySeparatorChar;
        _timeProvider = timeProvider;
        Directory.CreateDirectory(_root);
    }

    /// <inheritdoc />
    public string Location => _root;

    /// <inheritdoc />
    public bool EnforcesConditionalWrites => true;

    /// <inheritdoc />
    public async Task<StoredObject?> GetAsync(ObjectKey key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        var stream = LocalFiles.OpenReadOrNull(path);
        if (stream is null)
        {
            return null;
        }

        await using (stream.ConfigureAwait(false))
        {
            // One open handle: a concurrent replace renames a new file in, and this one keeps reading the old.
            var content = new byte[stream.Length];
            await stream.ReadExactlyAsync(content, cancellationToken).ConfigureAwait(false);
            return new StoredObject(key, content, LocalFiles.VersionOf(content));
        }
    }

    /// <inheritdoc />
    public Task<Stream?> OpenReadAsync(ObjectKey key, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<Stream?>(LocalFiles.OpenReadOrNull(PathOf(key)));
    }

    /// <inheritdoc />
    public Task<long?> GetSizeAsync(ObjectKey key, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var file = new FileInfo(PathOf(key));
        return Task.FromResult(file.Exists ? file.Length : (long?)null);
    }

    /// <inheritdoc />
    public async Task<WriteResult> CreateIfAbsentAsync(ObjectKey key, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = PathOf(key);
        if (File.Exists(path))
        {
            return new WriteResult(WriteOutcome.Conflict, await LocalFiles.VersionOfFileAsync(path, cancellationToken).ConfigureAwait(false));
        }

        return await WriteAsync(path, (target, hash, ct) => CopyAsync(content, target, hash, ct), replace: false, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The file is first moved to a temporary name in the object's folder (a rename on the same file system; .NET copies
    /// across file systems, still to a name readers never open), made durable, then linked under the object's name
    /// without overwriting, exactly as a written object is.
    /// </remarks>
    public Task<WriteResult> AdoptIfAbsentAsync(ObjectKey key, string localPath, string sha256, CancellationToken cancellationToken = default)
        => AdoptAsync(key, localPath, sha256, deferred: null, cancellationToken);

    /// <inheritdoc />
    Task<WriteResult> IDefersDurability.AdoptIfAbsentAsync(ObjectKey key, string localPath, string sha256, DurabilityBatch durability, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(durability);
        return AdoptAsync(key, localPath, sha256, durability, cancellationToken);
    }

    /// <summary>Adopts the file; flushes it and its folders now, or leaves that to <paramref name="deferred"/>.</summary>
    private async Task<WriteResult> AdoptAsync(ObjectKey key, string localPath, string sha256, DurabilityBatch? deferred, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(localPath);
        if (sha256 is not { Length: 64 } || !sha256.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException($"'{sha256}' is not a SHA-256 in lower-case hex.", nameof(sha256));
        }

        var path = PathOf(key);
        if (File.Exists(path))
        {
            return new WriteResult(WriteOutcome.Conflict, await LocalFiles.VersionOfFileAsync(path, cancellationToken).ConfigureAwait(false));
        }

        var folder = Path.GetDirectoryName(path)!;
        var createdFrom = FirstMissingFolder(folder);
        LocalFiles.CreateFolder(folder);
        if (deferred is not null)
        {
            // Nothing to flush before the name appears: the file is linked under its key straight from where it was
            // written, when that is on the same file system, rather than renamed next to it first.
            switch (NoOverwriteMove.TryMoveWithinFileSystem(localPath, path))
            {
                case true:
                    deferred.AddFile(path);
                    FlushFolders(folder, createdFrom, deferred);
                    return new WriteResult(WriteOutcome.Written, new ObjectVersion(sha256[..LocalFiles.VersionHexLength]));
                case false:
                    return new WriteResult(WriteOutcome.Conflict, await LocalFiles.VersionOfFileAsync(path, cancellationToken).ConfigureAwait(false));
            }
        }

        var temp = Path.Combine(folder, LocalFiles.NewTempName());
        try
        {
            File.Move(localPath, temp, overwrite: false);
            if (deferred is null)
            {
                using var file = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                file.Flush(flushToDisk: true);
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (!NoOverwriteMove.TryMove(temp, path))
            {
                File.Move(temp, localPath, overwrite: false); // give the caller its file back, as on the first conflict check
                return new WriteResult(WriteOutcome.Conflict, await LocalFiles.VersionOfFileAsync(path, CancellationToken.None).ConfigureAwait(false));
            }

            deferred?.AddFile(path);
            FlushFolders(folder, createdFrom, deferred);
            return new WriteResult(WriteOutcome.Written, new ObjectVersion(sha256[..LocalFiles.VersionHexLength]));
        }
        finally
        {
            LocalFiles.TryDelete(temp);
        }
    }

    /// <inheritdoc />
    public async Task<WriteResult> ReplaceIfMatchAsync(ObjectKey key, ReadOnlyMemory<byte> content, ObjectVersion? expected, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        using var held = await LockAsync(path, cancellationToken).ConfigureAwait(false);
        var current = await LocalFiles.VersionOfFileAsync(path, cancellationToken).ConfigureAwait(false);
        if (current != expected)
        {
            return new WriteResult(WriteOutcome.Conflict, current);
        }

        // With nothing expected, move without overwriting: a CreateIfAbsentAsync (which takes no lock) may win meanwhile.
        return await WriteAsync(
            path,
            async (target, hash, ct) =>
            {
                hash.AppendData(content.Span);
                await target.WriteAsync(content, ct).ConfigureAwait(false);
            },
            replace: expected is not null,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(ObjectKey key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        var folder = Path.GetDirectoryName(path)!;

        // An object that has been replaced has a lock file; delete it under the lock so a replace cannot resurrect it half-way.
        using var held = File.Exists(path + LocalFiles.LockSuffix) ? await LockAsync(path, cancellationToken).ConfigureAwait(false) : null;

        // Renaming first makes the delete atomic and tells exactly one of two concurrent deleters that the object was there.
        var doomed = Path.Combine(folder, LocalFiles.NewTempName());
        try
        {
            File.Move(path, doomed, overwrite: false);
        }
        catch (Exception e) when (LocalFiles.IsMissing(e, path))
        {
            return false;
        }

        File.Delete(doomed);
        PruneEmptyFolders(folder);
        return true;
    }

    private static async Task CopyAsync(Stream source, Stream target, IncrementalHash hash, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes a temporary file through <paramref name="write"/>, flushes it, and moves it under <paramref name="path"/>.</summary>
    private static async Task<WriteResult> WriteAsync(
        string path, Func<Stream, IncrementalHash, CancellationToken, Task> write, bool replace, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(path)!;
        var createdFrom = FirstMissingFolder(folder);
        var temp = Path.Combine(folder, LocalFiles.NewTempName());
        try
        {
            ObjectVersion version;
            var stream = LocalFiles.OpenCreatingFolder(temp, p => new FileStream(p, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous));
            await using (stream.ConfigureAwait(false))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                await write(stream, hash, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
                version = LocalFiles.FromHash(hash.GetHashAndReset());
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (!MoveIntoPlace(temp, path, replace))
            {
                return new WriteResult(WriteOutcome.Conflict, await LocalFiles.VersionOfFileAsync(path, CancellationToken.None).ConfigureAwait(false));
            }

            FlushFolders(folder, createdFrom, deferred: null);
            return new WriteResult(WriteOutcome.Written, version);
        }
        finally
        {
            // After a move the name is gone and this does nothing; after a failure or cancellation it removes the partial file.
            LocalFiles.TryDelete(temp);
        }
    }

    /// <summary>The topmost folder on the way to <paramref name="folder"/> that does not exist yet, or <c>null</c>.</summary>
    private static string? FirstMissingFolder(string folder)
    {
        string? missing = null;
        for (var current = folder; current is not null && !Directory.Exists(current); current = Path.GetDirectoryName(current))
        {
            missing = current;
        }

        return missing;
    }

    /// <summary>
    /// Flushes the folder that received the file, and the parents of folders this write created, so their entries are
    /// durable too; or adds them to <paramref name="deferred"/> to flush later.
    /// </summary>
    private static void FlushFolders(string folder, string? createdFrom, DurabilityBatch? deferred)
    {
        Flush(folder);
        if (createdFrom is null)
        {
            return;
        }

        var stop = Path.GetDirectoryName(createdFrom);
        for (var current = Path.GetDirectoryName(folder); current is not null; current = Path.GetDirectoryName(current))
        {
            Flush(current);
            if (current == stop)
            {
                break;
            }
        }

        void Flush(string path)
        {
            if (deferred is null)
            {
                DiskFlush.FlushFolder(path);
            }
            else
            {
                deferred.AddFolder(path);
            }
        }
    }

    private async Task<IDisposable> LockAsync(string path, CancellationToken cancellationToken)
    {
        var stripe = _stripes[(StringComparer.Ordinal.GetHashCode(path) & int.MaxValue) % LockStripes];
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var file = await FileLock.AcquireAsync(path + LocalFiles.LockSuffix, LockTimeout, cancellationToken).ConfigureAwait(false);
            return new HeldLock(file, stripe);
        }
        catch
        {
            stripe.Release();
            throw;
        }
    }

    /// <summary>The file of a key, checked to lie under the root and not to be one of the store's own files.</summary>
    private string PathOf(ObjectKey key)
    {
        if (key.Value is null)
        {
            throw new ArgumentException("The object key is the default value; create keys with ObjectKey.Parse or ObjectKey.Join.", nameof(key));
        }

        var name = key.Name;
        if (LocalFiles.IsLockName(name) || LocalFiles.IsTempName(name))
        {
            throw new ArgumentException(
                $"The object key '{key}' ends in a name the local store keeps for itself (names ending in '{LocalFiles.LockSuffix}' "
                + $"and '{LocalFiles.TempPrefix}' followed by 32 hex digits): choose another name.", nameof(key));
        }

        var path = Path.GetFullPath(Path.Join(_root, key.Value.Replace('/', Path.DirectorySeparatorChar)));
        if (!path.StartsWith(_rootWithSeparator, StringComparison.Ordinal))
        {
            // ObjectKey already rules this out; checked again because a path outside the root must never be written.
            throw new ArgumentException($"The object key '{key}' resolves to '{path}', outside the root '{_root}'.", nameof(key));
        }

        return path;
    }

    private sealed class HeldLock(FileLock file, SemaphoreSlim stripe) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                file.Dispose();
                stripe.Release();
            }
        }
    }

    /// <summary>
    /// Moves the written temporary file <paramref name="temp"/> onto <paramref name="path"/>: over what is there when
    /// <paramref name="replace"/>, else only where nothing is (<c>false</c>: another writer's object is there). A folder of
    /// other objects by that name is the caller's mistake in choosing keys, said as such.
    /// </summary>
    private static bool MoveIntoPlace(string temp, string path, bool replace)
    {
        try
        {
            if (replace)
            {
                File.Move(temp, path, overwrite: true);
                return true;
            }

            return NoOverwriteMove.TryMove(temp, path);
        }
        catch (IOException e) when (Directory.Exists(path))
        {
            throw new IOException(
                $"Cannot write '{path}' because a folder of other objects has that name: a local object store cannot hold both an object "
                + "and objects under the same name followed by '/'. Choose keys where no key is a folder of another.", e);
        }
    }
}

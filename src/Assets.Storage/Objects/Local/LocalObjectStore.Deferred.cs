using Microsoft.Win32.SafeHandles;

namespace Assets.Storage.Objects.Local;

/// <summary>Creates whose flushes wait for a <see cref="DurabilityBatch"/> (<see cref="IDefersDurability"/>).</summary>
public sealed partial class LocalObjectStore
{
    /// <inheritdoc />
    /// <remarks>
    /// Written as every create is (a temporary file in the object's folder, linked under its name without overwriting), but
    /// synchronously, since the content is small and in memory, and without flushing: the file and the folders that got
    /// new entries go into <paramref name="durability"/>.
    /// </remarks>
    Task<WriteResult> IDefersDurability.CreateIfAbsentAsync(ObjectKey key, ReadOnlyMemory<byte> content, DurabilityBatch durability, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(durability);
        cancellationToken.ThrowIfCancellationRequested();
        var path = PathOf(key);
        if (File.Exists(path))
        {
            return ConflictAsync(path);
        }

        var folder = Path.GetDirectoryName(path)!;
        var createdFrom = FirstMissingFolder(folder);
        var temp = Path.Combine(folder, LocalFiles.NewTempName());
        try
        {
            using (var handle = LocalFiles.OpenCreatingFolder(temp, OpenNew))
            {
                RandomAccess.Write(handle, content.Span, fileOffset: 0);
            }

            if (!MoveIntoPlace(temp, path, replace: false))
            {
                return ConflictAsync(path);
            }

            durability.AddFile(path);
            FlushFolders(folder, createdFrom, durability);
            return Task.FromResult(new WriteResult(WriteOutcome.Written, LocalFiles.VersionOf(content.Span)));
        }
        finally
        {
            // After the move the name is gone and this does nothing; after a failure it removes the partial file.
            LocalFiles.TryDelete(temp);
        }

        static async Task<WriteResult> ConflictAsync(string path)
            => new(WriteOutcome.Conflict, await LocalFiles.VersionOfFileAsync(path, CancellationToken.None).ConfigureAwait(false));
    }

    /// <inheritdoc />
    /// <remarks>
    /// The new content goes to a temporary file in the object's folder first, without the lock (nobody else knows the
    /// name), and is flushed with <paramref name="flushFirst"/>; then, under the object's lock as in
    /// <see cref="ReplaceIfMatchAsync(ObjectKey, ReadOnlyMemory{byte}, ObjectVersion?, CancellationToken)"/>, the version is
    /// compared, the file renamed over the old one (or linked without overwriting when nothing is expected) and the
    /// folder flushed.
    /// </remarks>
    async Task<WriteResult> IDefersDurability.ReplaceIfMatchAsync(ObjectKey key, ReadOnlyMemory<byte> content, ObjectVersion? expected, DurabilityBatch flushFirst, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flushFirst);
        if (flushFirst.IsTransient)
        {
            throw new ArgumentException("A replace is always made durable: give a batch to flush, not the transient one.", nameof(flushFirst));
        }

        var path = PathOf(key);
        var folder = Path.GetDirectoryName(path)!;
        var createdFrom = FirstMissingFolder(folder);
        var temp = Path.Combine(folder, LocalFiles.NewTempName());
        try
        {
            using (var handle = LocalFiles.OpenCreatingFolder(temp, OpenNew))
            {
                RandomAccess.Write(handle, content.Span, fileOffset: 0);
            }

            flushFirst.AddFile(temp);
            await flushFirst.FlushAsync(cancellationToken).ConfigureAwait(false);
            using var held = await LockAsync(path, cancellationToken).ConfigureAwait(false);
            var current = await LocalFiles.VersionOfFileAsync(path, cancellationToken).ConfigureAwait(false);
            if (current != expected)
            {
                return new WriteResult(WriteOutcome.Conflict, current);
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (!MoveIntoPlace(temp, path, replace: expected is not null))
            {
                // A CreateIfAbsentAsync (which takes no lock) won meanwhile.
                return new WriteResult(WriteOutcome.Conflict, await LocalFiles.VersionOfFileAsync(path, CancellationToken.None).ConfigureAwait(false));
            }

            FlushFolders(folder, createdFrom, deferred: null);
            return new WriteResult(WriteOutcome.Written, LocalFiles.VersionOf(content.Span));
        }
        finally
        {
            // After the move the name is gone and this does nothing; after a conflict or failure it removes the temporary file.
            LocalFiles.TryDelete(temp);
        }
    }

    private static SafeFileHandle OpenNew(string path) => File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
}

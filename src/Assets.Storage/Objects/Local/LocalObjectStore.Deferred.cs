namespace Assets.Storage.Objects.Local;

/// <summary>Creates whose flushes wait for a <see cref="DurabilityBatch"/> (<see cref="IDefersDurability"/>).</summary>
public sealed partial class LocalObjectStore
{
    /// <inheritdoc />
    /// <remarks>
    /// Written as every create is (a temporary file in the object's folder, linked under its name without overwriting), but
    /// synchronously, since the content is small and in memory, and without flushing: the file and the folders that got
    /// new entries go into <paramref name="durability"/>. A transient object (a staging marker) is created under its name
    /// at once, exclusively, with no temporary file: what tells gc a materialization is in flight is the name and its age,
    /// never the content, so a marker cut short by a crash protects just as well, and the name alone decides the conflict;
    /// where a spare of the folder is kept (<see cref="SpareFiles"/>), it is written and renamed to the name instead, never
    /// over an existing one.
    /// </remarks>
    Task<WriteResult> IDefersDurability.CreateIfAbsentAsync(ObjectKey key, ReadOnlyMemory<byte> content, DurabilityBatch durability, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(durability);
        cancellationToken.ThrowIfCancellationRequested();
        var path = PathOf(key);
        var folder = Path.GetDirectoryName(path)!;
        if (durability.IsTransient)
        {
            return CreateTransient(path, folder, content);
        }

        if (File.Exists(path))
        {
            return ConflictAsync(path);
        }

        var createdFrom = FirstMissingFolder(folder);
        var temp = WriteTemp(folder, folderExists: createdFrom is null, content.Span);
        var moved = false;
        try
        {
            if (!MoveIntoPlace(temp, path, replace: false))
            {
                return ConflictAsync(path);
            }

            moved = true;
            durability.AddFile(path);
            FlushFolders(folder, createdFrom, durability);
            return Task.FromResult(new WriteResult(WriteOutcome.Written, LocalFiles.VersionOf(content.Span)));
        }
        finally
        {
            // After a failure or a conflict, removes the partial or unused file; after the move its name is gone already.
            if (!moved)
            {
                LocalFiles.TryDelete(temp);
            }
        }

        static async Task<WriteResult> ConflictAsync(string path)
            => new(WriteOutcome.Conflict, await LocalFiles.VersionOfFileAsync(path, CancellationToken.None).ConfigureAwait(false));
    }

    /// <summary>Creates a transient object under its own name, exclusively (see <see cref="IDefersDurability.CreateIfAbsentAsync"/>).</summary>
    private static Task<WriteResult> CreateTransient(string path, string folder, ReadOnlyMemory<byte> content)
    {
        // From a file an earlier transient object of this folder left behind (SpareFiles): no inode allocated.
        switch (SpareFiles.TryReuse(path, folder, content.Span))
        {
            case NewFileOutcome.Written:
                return Task.FromResult(new WriteResult(WriteOutcome.Written, LocalFiles.VersionOf(content.Span)));
            case NewFileOutcome.Exists:
                return ConflictAsync();
        }

        // The folder usually exists (a marker's is its asset's): tried first, created only when the create says it is missing,
        // and again should a concurrent delete prune it in between.
        for (var attempt = 1; attempt <= TransientCreateAttempts; attempt++)
        {
            switch (NewFileWriter.TryWrite(path, content.Span))
            {
                case NewFileOutcome.Written:
                    return Task.FromResult(new WriteResult(WriteOutcome.Written, LocalFiles.VersionOf(content.Span)));
                case NewFileOutcome.Exists:
                    return ConflictAsync();
                default:
                    LocalFiles.CreateFolder(folder);
                    break;
            }
        }

        throw new IOException($"Could not create '{path}': its folder '{folder}' kept disappearing (removed by another process as it was created).");

        async Task<WriteResult> ConflictAsync()
            => new(WriteOutcome.Conflict, await LocalFiles.VersionOfFileAsync(path, CancellationToken.None).ConfigureAwait(false));
    }

    /// <inheritdoc />
    /// <remarks>
    /// Opened synchronously (the writes of a tiny file end in the stream's buffer) with the buffer size of a staged file; a
    /// folder that vanishes meanwhile (gc pruning it) is created again.
    /// </remarks>
    FileStream? IDefersDurability.CreateInPlace(ObjectKey key, DurabilityBatch durability)
    {
        ArgumentNullException.ThrowIfNull(durability);
        var path = PathOf(key);
        var folder = Path.GetDirectoryName(path)!;
        var createdFrom = FirstMissingFolder(folder);
        FileStream file;
        try
        {
            file = LocalFiles.OpenCreatingFolder(path, p => new FileStream(p, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, InPlaceBufferSize), createdFrom is null);
        }
        catch (IOException) when (File.Exists(path))
        {
            return null;
        }

        FlushFolders(folder, createdFrom, durability);
        return file;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The new content goes to a temporary file in the object's folder first, without the lock (nobody else knows the
    /// name), and is flushed with <paramref name="flushFirst"/> in a round of the process's group flush; then the version
    /// is compared and the file renamed over the old one under the object's lock as in
    /// <see cref="ReplaceIfMatchAsync(ObjectKey, ReadOnlyMemory{byte}, ObjectVersion?, CancellationToken)"/>, or, when
    /// nothing is expected, linked without overwriting and without the lock (the link itself fails when the name exists,
    /// so no lock file is created for an object only ever created); and the folder is flushed in the next round of the
    /// group flush, with the folders of the other swaps of that round, or handed to the caller in
    /// <paramref name="swapFlushedLater"/>.
    /// </remarks>
    async Task<WriteResult> IDefersDurability.ReplaceIfMatchAsync(ObjectKey key, ReadOnlyMemory<byte> content, ObjectVersion? expected, DurabilityBatch flushFirst, DurabilityBatch? swapFlushedLater, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flushFirst);
        if (flushFirst.IsTransient || swapFlushedLater?.IsTransient == true)
        {
            throw new ArgumentException("A replace is always made durable: give a batch to flush, not the transient one.", flushFirst.IsTransient ? nameof(flushFirst) : nameof(swapFlushedLater));
        }

        var path = PathOf(key);
        var folder = Path.GetDirectoryName(path)!;
        var createdFrom = FirstMissingFolder(folder);
        var temp = WriteTemp(folder, folderExists: createdFrom is null, content.Span);
        var moved = false;
        try
        {
            flushFirst.AddFile(temp);
            await flushFirst.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (expected is null)
            {
                cancellationToken.ThrowIfCancellationRequested();
                return await SwapAsync().ConfigureAwait(false);
            }

            using var held = await LockAsync(path, cancellationToken).ConfigureAwait(false);
            var current = await LocalFiles.VersionOfFileAsync(path, cancellationToken).ConfigureAwait(false);
            if (current != expected)
            {
                return new WriteResult(WriteOutcome.Conflict, current);
            }

            cancellationToken.ThrowIfCancellationRequested();
            return await SwapAsync().ConfigureAwait(false);
        }
        finally
        {
            // After a conflict or failure, removes the temporary file; after the move its name is gone already.
            if (!moved)
            {
                LocalFiles.TryDelete(temp);
            }
        }

        async Task<WriteResult> SwapAsync()
        {
            if (!MoveIntoPlace(temp, path, replace: expected is not null))
            {
                // Another writer created the object meanwhile.
                return new WriteResult(WriteOutcome.Conflict, await LocalFiles.VersionOfFileAsync(path, CancellationToken.None).ConfigureAwait(false));
            }

            moved = true;
            if (swapFlushedLater is not null)
            {
                // The caller flushes it (see IDefersDurability): the one process writing this root is the only next writer.
                FlushFolders(folder, createdFrom, swapFlushedLater);
                return new WriteResult(WriteOutcome.Written, LocalFiles.VersionOf(content.Span));
            }

            // Durable before the lock is given back, as every replace: the next writer compares against a version that stays.
            var swapped = new DurabilityBatch();
            FlushFolders(folder, createdFrom, swapped);
            await swapped.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            return new WriteResult(WriteOutcome.Written, LocalFiles.VersionOf(content.Span));
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// An object that was ever replaced has a lock file and is deleted as every object is
    /// (<see cref="DeleteAsync(ObjectKey, CancellationToken)"/>); one only ever created is renamed to a spare for the next
    /// transient object of its folder (<see cref="SpareFiles"/>), or unlinked, at once (it is gone or there, whole, for every
    /// reader), and of the folders it leaves empty only its own is removed, when asked: a marker in its asset's folder leaves
    /// that folder for the next publication rather than removing it and creating it again with every partition.
    /// </remarks>
    Task<bool> IDefersDurability.DeleteTransientAsync(ObjectKey key, bool removeEmptyFolder, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = PathOf(key);
        if (File.Exists(path + LocalFiles.LockSuffix))
        {
            return DeleteAsync(key, cancellationToken);
        }

        var folder = Path.GetDirectoryName(path)!;

        // Kept for the folder's next transient object (SpareFiles) where its folder stays anyway.
        if (!removeEmptyFolder && SpareFiles.TryRetire(path, folder) is { } retired)
        {
            return Task.FromResult(retired);
        }

        if (!LocalFiles.TryUnlink(path))
        {
            return Task.FromResult(false);
        }

        if (removeEmptyFolder && folder != _root)
        {
            LocalFiles.TryRemoveEmptyFolder(folder);
        }

        return Task.FromResult(true);
    }

    private const int InPlaceBufferSize = 1 << 16;
    private const int TransientCreateAttempts = 5;

    /// <summary>
    /// Writes <paramref name="content"/> to a new temporary file in <paramref name="folder"/> (created with its missing
    /// parents unless <paramref name="folderExists"/>) and returns its path; a failed write leaves no file.
    /// </summary>
    private static string WriteTemp(string folder, bool folderExists, ReadOnlySpan<byte> content)
    {
        var temp = Path.Combine(folder, LocalFiles.NewTempName());
        try
        {
            // The content is copied for the retry's sake only when the folder had to be created again (rare).
            var bytes = content.ToArray();
            LocalFiles.OpenCreatingFolder(temp, path => { NewFileWriter.Write(path, bytes); return true; }, folderExists);
            return temp;
        }
        catch
        {
            LocalFiles.TryDelete(temp);
            throw;
        }
    }
}

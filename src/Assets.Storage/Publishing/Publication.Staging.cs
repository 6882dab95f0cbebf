using Assets.Storage.Objects;
using Assets.Storage.Parquet;

namespace Assets.Storage.Publishing;

public sealed partial class Publication
{
    // Staging the materialization's files: written through their hash, in place or through a temporary file, and read back for checks.
    /// <summary>
    /// Step 2, stage: <paramref name="write"/> writes one file's bytes to the stream it is given and returns
    /// the rows it wrote; the file is then created under its final key (create-if-absent), invisible to
    /// readers until published. Returns the file as the manifest will list it.
    /// </summary>
    public async Task<ManifestFile> StageFileAsync(Func<Stream, CancellationToken, Task<long>> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        EnsureOpen();
        if (_manifest is not null)
        {
            throw new InvalidOperationException("The manifest is written: no more files can be staged.");
        }

        await RenewLeaseAsync(cancellationToken).ConfigureAwait(false);
        await MarkInFlightAsync(cancellationToken).ConfigureAwait(false);
        var key = StorageLayout.DataFile(Partition, Id, _files.Count);
        if (Store is IDefersDurability inPlace)
        {
            return await StageInPlaceAsync(inPlace, key, write, cancellationToken).ConfigureAwait(false);
        }

        Directory.CreateDirectory(_publisher.Options.StagingDirectory);
        var temp = Path.Combine(_publisher.Options.StagingDirectory, $"{Id.Value}-{_files.Count:D5}-{Guid.NewGuid():N}.tmp");
        var adopted = false;
        try
        {
            long rows;
            string sha256;
            long size;
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                (rows, sha256, size) = await WriteHashedAsync(file, write, cancellationToken).ConfigureAwait(false);

                if (Store is not (IAdoptsLocalFiles or IDefersDurability))
                {
                    file.Position = 0;
                    EnsureCreated(key, await Store.CreateIfAbsentAsync(key, file, cancellationToken).ConfigureAwait(false));
                }
            }

            // A store that can take the finished file (the local one) moves it into place instead of copying it.
            if (Store is IDefersDurability deferring)
            {
                EnsureCreated(key, await deferring.AdoptIfAbsentAsync(key, temp, sha256, _durability, cancellationToken).ConfigureAwait(false));
                adopted = true;
            }
            else if (Store is IAdoptsLocalFiles adopter)
            {
                EnsureCreated(key, await adopter.AdoptIfAbsentAsync(key, temp, sha256, cancellationToken).ConfigureAwait(false));
                adopted = true;
            }

            var staged = new ManifestFile(key.Value, size, sha256, rows);
            _files.Add(staged);
            return staged;
        }
        finally
        {
            // An adopted file's name is gone already.
            if (!adopted)
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>
    /// Writes a staged file through <paramref name="write"/>, taking its checksum from the bytes as they are written (the
    /// writer sees a forward-only stream, so what passes through is exactly the file) rather than by reading a large file
    /// back once more; the file stays open.
    /// </summary>
    private static async Task<(long Rows, string Sha256, long Size)> WriteHashedAsync(FileStream file, Func<Stream, CancellationToken, Task<long>> write, CancellationToken cancellationToken)
    {
        var hashing = new CountingHashStream(file);
        await using (hashing.ConfigureAwait(false))
        {
            var rows = await write(hashing, cancellationToken).ConfigureAwait(false);
            await hashing.FlushAsync(cancellationToken).ConfigureAwait(false);
            var size = file.Length;
            if (size != hashing.BytesWritten)
            {
                throw new InvalidOperationException($"The staged file has {size} bytes but {hashing.BytesWritten} were written through its stream.");
            }

            return (rows, hashing.FinishHash(), size);
        }
    }

    /// <summary>
    /// Stages a file where it ends up, on a store that can write it there (the local one): the key is under this
    /// materialization's id, which nothing names until the manifest does and the pointer names the manifest, so the file
    /// needs no temporary name and no move; it is flushed with the manifest before the swap. A write that fails removes it.
    /// </summary>
    private async Task<ManifestFile> StageInPlaceAsync(IDefersDurability store, ObjectKey key, Func<Stream, CancellationToken, Task<long>> write, CancellationToken cancellationToken)
    {
        // The folders it creates join the publication's flush only once the file is written: a failed write removes them.
        var pending = new DurabilityBatch();
        var file = store.CreateInPlace(key, pending)
            ?? throw new InvalidOperationException($"{key} already exists: materialization ids are never reused, so another writer is using this one.");
        var written = false;
        try
        {
            long rows;
            string sha256;
            long size;
            await using (file.ConfigureAwait(false))
            {
                (rows, sha256, size) = await WriteHashedAsync(file, write, cancellationToken).ConfigureAwait(false);
            }

            written = true;
            pending.AddFile(file.Name);
            _durability.AddAll(pending);
            var staged = new ManifestFile(key.Value, size, sha256, rows);
            _files.Add(staged);
            return staged;
        }
        finally
        {
            if (!written)
            {
                // Nothing names it; removed now rather than left for gc, which removes it should this fail too.
                try
                {
                    await Store.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // The write's own failure is what the caller must see.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }
        }
    }

    private static void EnsureCreated(ObjectKey key, WriteResult created)
    {
        if (!created.Succeeded)
        {
            throw new InvalidOperationException($"{key} already exists: materialization ids are never reused, so another writer is using this one.");
        }
    }

    /// <summary>Opens a staged file for reading (checks run against the staged data, before anything is published).</summary>
    public async Task<Stream> OpenStagedAsync(ManifestFile file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        return await Store.OpenReadAsync(ObjectKey.Parse(file.Path), cancellationToken).ConfigureAwait(false)
            ?? throw new CorruptObjectException(ObjectKey.Parse(file.Path), "the staged file vanished before it was published.");
    }
}

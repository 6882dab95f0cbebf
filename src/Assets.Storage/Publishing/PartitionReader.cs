using System.Runtime.CompilerServices;
using Assets.Graph;
using Assets.Storage.Objects;
using Assets.Storage.Parquet;

namespace Assets.Storage.Publishing;

/// <summary>
/// Reads the rows readers get for a partition: pointer, then manifest, then the listed files, never a
/// folder listing. Every file is checked against its manifest entry (size, then SHA-256) as it is read, so
/// corrupt bytes fail the reader with a <see cref="CorruptDataFileException"/> instead of flowing downstream.
/// A file is read from a local copy when the store's stream cannot seek (S3), because Parquet keeps its footer
/// at the end; the copy is hashed as it is made. A seekable file is hashed from the reads the Parquet reader
/// makes anyway (see <see cref="VerifyingReadStream"/>), and the check completes when its last row is read:
/// rows already handed out before a mismatch is found are never published, because the step fails.
/// </summary>
public sealed class PartitionReader(IObjectStore store, string? scratchDirectory = null)
{
    private readonly string _scratch = scratchDirectory ?? Path.Combine(Path.GetTempPath(), "assets-read");

    /// <summary>The rows of the published version of <paramref name="partition"/>; none when it was never published.</summary>
    public async IAsyncEnumerable<T> ReadAsync<T>(AssetPartition partition, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var row in ReadAsync(typeof(T), partition, cancellationToken).ConfigureAwait(false))
        {
            yield return (T)row;
        }
    }

    /// <summary>The rows, as <paramref name="recordType"/>, of the published version of <paramref name="partition"/>; none when it was never published.</summary>
    public async IAsyncEnumerable<object> ReadAsync(Type recordType, AssetPartition partition, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var manifest = await PublishedPartitions.ReadCurrentManifestAsync(store, partition, cancellationToken).ConfigureAwait(false);
        if (manifest is null)
        {
            yield break;
        }

        await foreach (var row in ReadFilesAsync(recordType, partition, manifest.Files, cancellationToken).ConfigureAwait(false))
        {
            yield return row;
        }
    }

    /// <summary>
    /// The rows of <paramref name="files"/> of <paramref name="partition"/>, in order (a manifest's files, or a
    /// materialization's staged ones), each verified against its size and SHA-256.
    /// </summary>
    /// <exception cref="CorruptDataFileException">A file's bytes do not match the entry: thrown before the
    /// enumeration ends (also when the consumer stops early and disposes it), so a consumer never completes on
    /// corrupt input.</exception>
    public IAsyncEnumerable<object> ReadFilesAsync(Type recordType, AssetPartition partition, IEnumerable<ManifestFile> files, CancellationToken cancellationToken = default)
        => ReadFilesAsync(recordType, partition, files, null, cancellationToken);

    /// <summary>
    /// The rows of <paramref name="files"/>, as <see cref="ReadFilesAsync(Type, AssetPartition, IEnumerable{ManifestFile}, CancellationToken)"/>
    /// gives them, where this process wrote the one file from <paramref name="written"/>: the values proven to read back
    /// as written are taken from those rows, and when all of them are the file is not opened at all (its bytes were
    /// hashed as they were written, and readers in other processes verify them).
    /// </summary>
    internal async IAsyncEnumerable<object> ReadFilesAsync(
        Type recordType, AssetPartition partition, IEnumerable<ManifestFile> files, IReadOnlyList<object>? written, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recordType);
        ArgumentNullException.ThrowIfNull(files);
        var list = files as IReadOnlyCollection<ManifestFile> ?? [.. files];
        if (list.Count != 1)
        {
            written = null;
        }
        else if (written is not null && ParquetRecordFormat.TryReadWritten(recordType, written, out var built))
        {
            foreach (var row in built)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return row;
            }

            yield break;
        }

        foreach (var file in list)
        {
            var source = await OpenVerifiedAsync(partition, file, cancellationToken).ConfigureAwait(false);
            await using (source.ConfigureAwait(false))
            {
                var rows = ParquetRecordFormat.ReadAsync(recordType, source, written, cancellationToken).GetAsyncEnumerator(cancellationToken);
                var settled = false;
                try
                {
                    while (true)
                    {
                        bool more;
                        try
                        {
                            more = await rows.MoveNextAsync().ConfigureAwait(false);
                        }
                        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not CorruptDataFileException)
                        {
                            // Damaged bytes often fail the Parquet decoder before the hash is complete: report the
                            // damage (non-retryable, with the fix), not a decoding error that reads like a bug.
                            settled = true;
                            await EnsureIntactAsync(partition, file, source, e, cancellationToken).ConfigureAwait(false);
                            throw;
                        }

                        if (!more)
                        {
                            break;
                        }

                        yield return rows.Current;
                    }

                    settled = true;
                    await EnsureIntactAsync(partition, file, source, null, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    await rows.DisposeAsync().ConfigureAwait(false);
                    if (!settled && !cancellationToken.IsCancellationRequested)
                    {
                        // The consumer stopped early: the rows it took must still have come from intact bytes.
                        await EnsureIntactAsync(partition, file, source, null, CancellationToken.None).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    private static async Task EnsureIntactAsync(AssetPartition partition, ManifestFile file, Stream source, Exception? readError, CancellationToken cancellationToken)
    {
        if (source is VerifyingReadStream verifying)
        {
            var actual = await verifying.FinishAsync(cancellationToken).ConfigureAwait(false);
            if (!string.Equals(actual, file.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new CorruptDataFileException(partition, file, verifying.Length, actual, readError);
            }
        }
    }

    /// <summary>
    /// Opens <paramref name="file"/> for Parquet: its size is checked at once; a seekable stream is wrapped to be
    /// hashed as it is read, and a forward-only one is copied to a scratch file and hashed on the way.
    /// </summary>
    private async Task<Stream> OpenVerifiedAsync(AssetPartition partition, ManifestFile file, CancellationToken cancellationToken)
    {
        var key = ObjectKey.Parse(file.Path);
        var stream = await store.OpenReadAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new CorruptObjectException(key, "a data file listed by its manifest is missing.");
        if (stream.CanSeek)
        {
            if (stream.Length != file.Size)
            {
                var size = stream.Length;
                await stream.DisposeAsync().ConfigureAwait(false);
                throw new CorruptDataFileException(partition, file, size, null);
            }

            return new VerifyingReadStream(stream);
        }

        await using (stream.ConfigureAwait(false))
        {
            Directory.CreateDirectory(_scratch);
            var copy = new FileStream(
                Path.Combine(_scratch, Guid.NewGuid().ToString("N") + ".parquet"),
                FileMode.CreateNew,
                FileAccess.ReadWrite,
                FileShare.None,
                1 << 16,
                FileOptions.Asynchronous | FileOptions.DeleteOnClose);
            try
            {
                var hashing = new CountingHashStream(copy);
                await using (hashing.ConfigureAwait(false))
                {
                    await stream.CopyToAsync(hashing, cancellationToken).ConfigureAwait(false);
                    var sha256 = hashing.FinishHash();
                    if (hashing.BytesWritten != file.Size || !string.Equals(sha256, file.Sha256, StringComparison.OrdinalIgnoreCase))
                    {
                        throw new CorruptDataFileException(partition, file, hashing.BytesWritten, sha256);
                    }
                }

                copy.Position = 0;
                return copy;
            }
            catch
            {
                await copy.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }
}

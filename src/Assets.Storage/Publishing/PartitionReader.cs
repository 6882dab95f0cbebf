using System.Runtime.CompilerServices;
using Assets.Graph;
using Assets.Storage.Objects;
using Assets.Storage.Parquet;

namespace Assets.Storage.Publishing;

/// <summary>
/// Reads the rows readers get for a partition: pointer, then manifest, then the listed files, never a
/// folder listing. A file is read from a local copy when the store's stream cannot seek (S3), because
/// Parquet keeps its footer at the end.
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

        await foreach (var row in ReadFilesAsync(recordType, manifest.Files, cancellationToken).ConfigureAwait(false))
        {
            yield return row;
        }
    }

    /// <summary>The rows of <paramref name="files"/>, in order (a manifest's files, or a materialization's staged ones).</summary>
    public async IAsyncEnumerable<object> ReadFilesAsync(Type recordType, IEnumerable<ManifestFile> files, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recordType);
        ArgumentNullException.ThrowIfNull(files);
        foreach (var file in files)
        {
            var source = await OpenSeekableAsync(file, cancellationToken).ConfigureAwait(false);
            await using (source.ConfigureAwait(false))
            {
                await foreach (var row in ParquetRecordFormat.ReadAsync(recordType, source, cancellationToken).ConfigureAwait(false))
                {
                    yield return row;
                }
            }
        }
    }

    private async Task<Stream> OpenSeekableAsync(ManifestFile file, CancellationToken cancellationToken)
    {
        var key = ObjectKey.Parse(file.Path);
        var stream = await store.OpenReadAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new CorruptObjectException(key, "a data file listed by its manifest is missing.");
        if (stream.CanSeek)
        {
            return stream;
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
                await stream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
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

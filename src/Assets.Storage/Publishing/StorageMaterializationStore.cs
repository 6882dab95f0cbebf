using System.Runtime.CompilerServices;
using Assets.Execution;
using Assets.Graph;
using Assets.Metadata;
using Assets.Storage.Objects;
using Assets.Storage.Parquet;
using Assets.Storage.Reading;
using NodaTime;

namespace Assets.Storage.Publishing;

/// <summary>
/// The executor's <see cref="IMaterializationStore"/> over a root: materializations go through the publish
/// protocol (<see cref="PartitionPublisher"/>) with their rows written as Parquet; upstream data is read
/// through pointers (<see cref="PartitionReader"/>). Create one per run: it keeps the rows the run decodes
/// (<see cref="DecodedRows"/>), so a partition several steps or checks read is decoded once.
/// </summary>
public sealed class StorageMaterializationStore : IMaterializationStore, IRowChunkReader
{
    private readonly IObjectStore _store;
    private readonly IMetadataStore _metadata;
    private readonly PartitionPublisher _publisher;
    private readonly PartitionReader _reader;

    /// <summary>Creates the store.</summary>
    /// <param name="store">The root.</param>
    /// <param name="metadata">The metadata store.</param>
    /// <param name="clock">Stamps states and records.</param>
    /// <param name="options">How partitions are published.</param>
    /// <param name="cacheOptions">How many decoded rows the run keeps (<see cref="DecodedRowCacheOptions.Default"/> when <c>null</c>).</param>
    public StorageMaterializationStore(IObjectStore store, IMetadataStore metadata, IClock clock, PublisherOptions? options = null, DecodedRowCacheOptions? cacheOptions = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _metadata = metadata ?? throw new ArgumentNullException(nameof(metadata));
        _publisher = new PartitionPublisher(store, metadata, clock, options);
        _reader = new PartitionReader(store);
        DecodedRows = new DecodedRowCache(cacheOptions);
    }

    /// <summary>The rows this store's runs decoded, and how many readers got from memory instead.</summary>
    public DecodedRowCache DecodedRows { get; }

    /// <inheritdoc />
    public async Task<IMaterialization> BeginAsync(AssetPartition partition, RunId run, CancellationToken cancellationToken = default)
        => new Materialization(this, await _publisher.BeginAsync(partition, run, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public async Task<IMaterialization> BeginAsync(AssetPartition partition, RunId run, RunId leaseHolder, CancellationToken cancellationToken = default)
        => new Materialization(this, await _publisher.BeginAsync(partition, run, leaseHolder, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public async Task<string?> GetDataVersionAsync(AssetPartition partition, CancellationToken cancellationToken = default)
        => (await PublishedPartitions.ReadPointerAsync(_store, partition, cancellationToken).ConfigureAwait(false)).Current?.DataVersion;

    /// <inheritdoc />
    public async IAsyncEnumerable<object> ReadAsync(Type recordType, AssetPartition partition, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recordType);
        var manifest = await PublishedPartitions.ReadCurrentManifestAsync(_store, partition, cancellationToken).ConfigureAwait(false);
        if (manifest is null)
        {
            yield break;
        }

        await foreach (var row in DecodedRows.ReadAsync(manifest.MaterializationId, recordType, () => Decode(recordType, partition, manifest.MaterializationId, manifest.Files, cancellationToken), cancellationToken).ConfigureAwait(false))
        {
            yield return row;
        }
    }

    /// <inheritdoc />
    async IAsyncEnumerable<IReadOnlyList<object>> IRowChunkReader.ReadChunksAsync(Type recordType, AssetPartition partition, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recordType);
        var manifest = await PublishedPartitions.ReadCurrentManifestAsync(_store, partition, cancellationToken).ConfigureAwait(false);
        if (manifest is null)
        {
            yield break;
        }

        await foreach (var chunk in DecodedRows.ReadChunksAsync(manifest.MaterializationId, recordType, () => Decode(recordType, partition, manifest.MaterializationId, manifest.Files, cancellationToken), cancellationToken).ConfigureAwait(false))
        {
            yield return chunk;
        }
    }

    /// <summary>
    /// The rows of materialization <paramref name="id"/>'s files, from the rows it was written from where this store
    /// wrote it and still keeps them (the columns that come back unchanged are not decoded again).
    /// </summary>
    private IAsyncEnumerable<object> Decode(Type recordType, AssetPartition partition, MaterializationId id, IReadOnlyList<ManifestFile> files, CancellationToken cancellationToken)
        => _reader.ReadFilesAsync(recordType, partition, files, DecodedRows.TakeWritten(id, recordType), cancellationToken);

    private sealed class Materialization(StorageMaterializationStore owner, Publication publication) : IMaterialization
    {
        private readonly Dictionary<Type, int> _filesWritten = [];
        private string? _schema;

        public MaterializationId Id => publication.Id;

        public async Task<long> WriteRowsAsync(Type recordType, IAsyncEnumerable<object?> rows, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(recordType);
            ArgumentNullException.ThrowIfNull(rows);
            // The rows written are kept (when the run's cache would keep them) for the checks and the readers of this
            // materialization in the run, so that what comes back unchanged from the file is not decoded again.
            // Only a materialization's one file of a type is kept: a second file withdraws the first's rows, and a
            // third is not offered (it would be kept again, for no reader to use).
            int file;
            lock (_filesWritten)
            {
                file = _filesWritten[recordType] = _filesWritten.GetValueOrDefault(recordType) + 1;
            }

            var kept = file == 1 && owner.DecodedRows.WrittenRowsLimit(recordType) is { } limit ? new WrittenRows(limit) : null;
            var staged = await publication.StageFileAsync(
                async (stream, ct) =>
                {
                    var summary = await ParquetRecordFormat.WriteAsync(recordType, rows, stream, kept, ct).ConfigureAwait(false);
                    _schema = summary.Schema;
                    return summary.Rows;
                },
                cancellationToken).ConfigureAwait(false);
            if (kept?.Rows is { } written)
            {
                owner.DecodedRows.OfferWritten(publication.Id, recordType, written);
            }
            else if (file == 2)
            {
                owner.DecodedRows.WithdrawWritten(publication.Id, recordType);
            }

            return staged.Rows;
        }

        /// <remarks>
        /// Decoded once for all the checks, and kept under the materialization's id, which it keeps when published: the
        /// steps of the run that read it next get the same rows without decoding them again. A check that takes a
        /// collection gets them a partition at a time (<see cref="IRowChunks"/>), not row by row.
        /// </remarks>
        public IAsyncEnumerable<object> ReadStagedAsync(Type recordType, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(recordType);
            return new StagedRows(owner, publication, recordType, cancellationToken);
        }

        public async Task<string> PublishAsync(
            string codeVersion,
            IReadOnlyList<UpstreamVersion> upstream,
            Interval? interval,
            IReadOnlyDictionary<string, object?> metadata,
            string? dataVersion,
            IReadOnlyList<CheckRecord> checkResults,
            CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(checkResults);
            var manifest = await publication.WriteManifestAsync(codeVersion, upstream, interval, _schema, metadata, dataVersion, cancellationToken).ConfigureAwait(false);
            await publication.PublishAsync(cancellationToken).ConfigureAwait(false);
            if (checkResults.Count > 0)
            {
                await owner._metadata.RecordCheckResultsAsync(checkResults, cancellationToken).ConfigureAwait(false);
            }

            return manifest.DataVersion;
        }

        public Task QuarantineAsync(string cause, IReadOnlyList<CheckRecord> checkResults, CancellationToken cancellationToken = default)
            => publication.QuarantineAsync(cause, checkResults, cancellationToken);

        public Task FailAsync(string reason, CancellationToken cancellationToken = default)
            => publication.FailAsync(reason, cancellationToken);

        public Task WaitForSourceAsync(string reason, CancellationToken cancellationToken = default)
            => publication.WaitForSourceAsync(reason, cancellationToken);

        public ValueTask DisposeAsync() => publication.DisposeAsync();
    }

    /// <summary>The staged rows of a materialization: enumerated row by row, or taken whole by a reader that wants them all.</summary>
    private sealed class StagedRows(StorageMaterializationStore owner, Publication publication, Type recordType, CancellationToken madeWith) : IAsyncEnumerable<object>, IRowChunks
    {
        public IAsyncEnumerable<IReadOnlyList<object>> Chunks
            => owner.DecodedRows.ReadChunksAsync(publication.Id, recordType, Decode, madeWith);

        // The iterator combines the token given when the stream was made with the enumerator's own.
        public IAsyncEnumerator<object> GetAsyncEnumerator(CancellationToken cancellationToken = default)
            => owner.DecodedRows.ReadAsync(publication.Id, recordType, Decode, madeWith).GetAsyncEnumerator(cancellationToken);

        private IAsyncEnumerable<object> Decode() => owner.Decode(recordType, publication.Partition, publication.Id, publication.StagedFiles, madeWith);
    }
}

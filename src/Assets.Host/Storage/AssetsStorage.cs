using Assets.Hosting.Configuration;
using Assets.Metadata;
using Assets.Storage.Maintenance;
using Assets.Storage.Metadata;
using Assets.Storage.Objects;
using Assets.Storage.Objects.Local;
using Assets.Storage.Objects.S3;
using Assets.Storage.Roots;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Assets.Hosting.Storage;

/// <summary>
/// The configured root and metadata store of a host: the object store is created on first use; the
/// metadata store is opened once, and reconciled with the root's pointers right after it opens
/// (DESIGN.md, step 6), so a crash between a publish and its record, or a deleted store, costs nothing.
/// </summary>
internal sealed partial class AssetsStorage(IOptions<AssetsOptions> options, IClock clock, ILogger<AssetsStorage> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _opening = new(1, 1);
    private IObjectStore? _store;
    private DuckDbMetadataStore? _metadata;

    public StorageRoot Root { get; } = StorageRoot.Parse(options.Value.Root, Environment.CurrentDirectory);

    public IObjectStore Store => _store ??= CreateStore();

    /// <summary>
    /// The metadata store's file: configured, or <c>&lt;root&gt;/_meta/assets.duckdb</c> for a local root and
    /// <c>./.assets-meta/assets.duckdb</c> for an S3 root (DuckDB needs a local file).
    /// </summary>
    public string MetadataPath => options.Value.Metadata is { } configured
        ? Path.GetFullPath(configured)
        : Root switch
        {
            LocalStorageRoot local => Path.Combine(local.Path, "_meta", "assets.duckdb"),
            _ => Path.GetFullPath(Path.Combine(".assets-meta", "assets.duckdb")),
        };

    public async Task<IMetadataStore> OpenMetadataAsync(CancellationToken cancellationToken)
    {
        await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_metadata is null)
            {
                // What opening creates, removed again when the command fails before anything is recorded.
                IReadOnlyList<string> created = [.. MetadataFiles.NotYetThere(MetadataPath), .. Root is LocalStorageRoot local ? MetadataFiles.FoldersNotYetThere(local.Path) : []];

                // The root's own configuration errors (an S3 client without a region) come before anything is created.
                _ = Store;
                DuckDbMetadataStore metadata;
                try
                {
                    metadata = await DuckDbMetadataStore.OpenAsync(MetadataPath, clock, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (MetadataFiles.Unavailable(MetadataPath, e) is { } unavailable)
                {
                    MetadataFiles.Remove(created);
                    throw unavailable;
                }
                catch
                {
                    MetadataFiles.Remove(created);
                    throw;
                }

                try
                {
                    var report = await new PointerReconciler(Store, metadata, clock).ReconcileAsync(cancellationToken).ConfigureAwait(false);
                    LogReconciled(report.Pointers, report.Updated, report.Problems.Count);
                    foreach (var problem in report.Problems)
                    {
                        LogUnreadablePointer(problem);
                    }
                }
                catch
                {
                    // A store created for this command and never filled is not left behind by its failure.
                    await metadata.DisposeAsync().ConfigureAwait(false);
                    MetadataFiles.Remove(created);
                    throw;
                }

                _metadata = metadata;
            }

            return _metadata;
        }
        finally
        {
            _opening.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_metadata is not null)
        {
            await _metadata.DisposeAsync().ConfigureAwait(false);
        }

        (_store as IDisposable)?.Dispose();
        _opening.Dispose();
    }

    private IObjectStore CreateStore() => Root switch
    {
        LocalStorageRoot local => new LocalObjectStore(local.Path),
        S3StorageRoot s3 => CreateS3Store(s3),
        _ => throw new InvalidOperationException($"Unknown root {Root}."),
    };

    private S3ObjectStore CreateS3Store(S3StorageRoot root)
    {
        try
        {
            return S3ObjectStore.Create(root, new S3ObjectStoreOptions
            {
                ServiceUrl = options.Value.S3.Endpoint,
                Region = options.Value.S3.Region,
                ForcePathStyle = options.Value.S3.ForcePathStyle,
                CompatibilityMode = options.Value.S3.CompatibilityMode,
                EnforcesConditionalWrites = options.Value.S3.ConditionalWrites,
            });
        }
        catch (ArgumentException e) when (e.ParamName == "options")
        {
            // The options were validated at start; what is left is the SDK finding neither a region nor an endpoint.
            throw new OptionsValidationException(AssetsOptions.SectionName, typeof(AssetsOptions), [
                $"Assets:S3:Region: the S3 client for {root} could not be created ({e.InnerException?.Message ?? e.Message}): "
                + "set Assets:S3:Region (or AWS_REGION) to the bucket's region, or Assets:S3:Endpoint to the URL of an S3-compatible server."]);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciled the metadata store with {Pointers} pointers: {Updated} records rewritten, {Problems} unreadable")]
    private partial void LogReconciled(int pointers, int updated, int problems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unreadable pointer or manifest left out of the status: {Problem}")]
    private partial void LogUnreadablePointer(string problem);
}

using Assets.Execution.Queue;
using Assets.Hosting.Configuration;
using Assets.Metadata;
using Assets.Storage.Maintenance;
using Assets.Storage.Metadata;
using Assets.Storage.Metadata.Postgres;
using Assets.Storage.Objects;
using Assets.Storage.Objects.Local;
using Assets.Storage.Objects.S3;
using Assets.Storage.Publishing;
using Assets.Storage.Roots;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Assets.Hosting.Storage;

/// <summary>
/// The configured root and metadata store of a host: the object store is created on first use; the
/// metadata store is opened once. The DuckDB store is reconciled with the root's pointers right after it opens
/// (DESIGN.md, step 6), so a crash between a publish and its record, or a deleted store, costs nothing; after a clean
/// close of the previous process nothing is listed or read, after an unclean one only the pointers written since the
/// previous reconciliation are read (<see cref="PointerReconciler.ReconcileChangesAsync"/>). The shared
/// PostgreSQL store is not (see <see cref="ReconcileOnOpenAsync"/>): many processes open it, and a team's root has
/// millions of pointers.
/// </summary>
internal sealed partial class AssetsStorage(IOptions<AssetsOptions> options, AssetsClock clock, ILogger<AssetsStorage> logger, ILoggerFactory loggers) : IAsyncDisposable
{
    private readonly SemaphoreSlim _opening = new(1, 1);
    private IObjectStore? _store;
    private IMetadataStore? _metadata;
    private PostgresStepQueue? _queue;

    public StorageRoot Root { get; } = StorageRoot.Parse(options.Value.Root, Environment.CurrentDirectory);

    public IObjectStore Store => _store ??= CreateStore();

    /// <summary>The publish protocol's settings: the configured lease duration and heartbeat (validated at start-up).</summary>
    public PublisherOptions Publishing { get; } = new()
    {
        LeaseDuration = DurationText.Parse(options.Value.Leases.Duration),
        HeartbeatInterval = options.Value.Leases.Heartbeat is { } heartbeat ? DurationText.Parse(heartbeat) : null,
    };

    /// <summary>Whether the metadata store is a PostgreSQL database shared by many processes (the shared mode).</summary>
    public bool IsShared { get; } = PostgresConnectionString.IsPostgres(options.Value.Metadata);

    /// <summary>
    /// The metadata store's file: configured, or <c>&lt;root&gt;/_meta/assets.duckdb</c> for a local root and
    /// <c>./.assets-meta/assets.duckdb</c> for an S3 root (DuckDB needs a local file).
    /// With a shared store, the file the DuckDB default would be: its folder holds the daemon's advertisement.
    /// </summary>
    public string MetadataPath => options.Value.Metadata is { } configured && !IsShared
        ? Path.GetFullPath(configured)
        : Root switch
        {
            LocalStorageRoot local => Path.Combine(local.Path, "_meta", "assets.duckdb"),
            _ => Path.GetFullPath(Path.Combine(".assets-meta", "assets.duckdb")),
        };

    /// <summary>
    /// The publish protocol's settings for a <c>worker</c>'s steps: leases last no longer than a claim of the step
    /// (<paramref name="claimTtl"/>), so a step claimed again after its worker died does not wait out a long lease of the dead
    /// claim; renewed by the heartbeat as configured, or a third of the lease.
    /// </summary>
    public PublisherOptions WorkerPublishing(Duration claimTtl)
    {
        var lease = Publishing.LeaseDuration < claimTtl ? Publishing.LeaseDuration : claimTtl;
        return new PublisherOptions
        {
            LeaseDuration = lease,
            HeartbeatInterval = Publishing.HeartbeatInterval is { } beat && beat < lease ? beat : lease / 3,
            StagingDirectory = Publishing.StagingDirectory,
        };
    }

    /// <summary>
    /// The shared mode's step queue (PostgreSQL), opened once and brought up to date with the schema. The embedded store
    /// has no queue: a usage error that says what to set.
    /// </summary>
    public async Task<IStepQueue> OpenStepQueueAsync(string purpose, CancellationToken cancellationToken)
    {
        if (!IsShared)
        {
            throw new CommandLine.CommandUsageException(
                $"{purpose} needs the shared mode: the step queue lives in PostgreSQL. Set Assets:Metadata (environment Assets__Metadata) to a PostgreSQL "
                + "connection string such as postgresql://assets@db:5432/assets, the same for every process of the team.");
        }

        await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _queue ??= await PostgresStepQueue.OpenAsync(
                options.Value.Metadata!, clock, PostgresOptions(loggers.CreateLogger<PostgresStepQueue>()), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _opening.Release();
        }
    }

    /// <summary>The shared store's leader lock (one coordinating daemon among many); <c>null</c> with the embedded store.</summary>
    public PostgresLeaderLock? CreateLeaderLock() => IsShared ? new PostgresLeaderLock(options.Value.Metadata!) : null;

    public async Task<IMetadataStore> OpenMetadataAsync(CancellationToken cancellationToken)
    {
        await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_metadata is null)
            {
                // What opening the embedded store creates, removed again when the command fails before anything is recorded.
                IReadOnlyList<string> created = IsShared
                    ? []
                    : [.. MetadataFiles.NotYetThere(MetadataPath), .. Root is LocalStorageRoot local ? MetadataFiles.FoldersNotYetThere(local.Path) : []];

                // The root's own configuration errors (an S3 client without a region) come before anything is created.
                _ = Store;
                IMetadataStore metadata;
                try
                {
                    metadata = IsShared
                        ? await PostgresMetadataStore.OpenAsync(
                            options.Value.Metadata!, clock, PostgresOptions(loggers.CreateLogger<PostgresMetadataStore>()), cancellationToken).ConfigureAwait(false)
                        : await DuckDbMetadataStore.OpenAsync(MetadataPath, clock, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (!IsShared && MetadataFiles.Unavailable(MetadataPath, e) is { } unavailable)
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
                    await ReconcileOnOpenAsync(metadata, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// Reconciles a store that was just opened with the root's pointers. The embedded store is reconciled incrementally
    /// (<see cref="PointerReconciler.ReconcileChangesAsync"/>: trusted as it is after a clean close, so opening costs the
    /// same on any size of root; after an unclean one, only the pointers written since its previous reconciliation are
    /// read). The shared store is reconciled
    /// in full only while it holds no state at all (a new or deleted database is rebuilt from the root), by one process
    /// of several that open it at once (the others wait for it under the store's rebuild lock, then skip): reading every
    /// pointer on each open of each process would not scale. An incremental reconciliation that is safe when several processes run it at once belongs here (the
    /// store's <see cref="IMetadataStore.ReplacePublishedStatesAsync"/> already serializes concurrent ones).
    /// </summary>
    private async Task ReconcileOnOpenAsync(IMetadataStore metadata, CancellationToken cancellationToken)
    {
        if (metadata is PostgresMetadataStore shared
            && !await shared.RebuildIfEmptyAsync(token => ReconcileAsync(metadata, token), cancellationToken).ConfigureAwait(false))
        {
            // What a full reconciliation settles, the store can tell by itself: attempts of processes that died. Those
            // whose pointer landed before their process died published (their record was lost): recorded as such, the
            // others failed as interrupted. Only their pointers are read.
            var abandoned = await shared.GetAbandonedAttemptsAsync(clock.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
            if (abandoned.Count > 0)
            {
                var publisher = new PartitionPublisher(Store, shared, clock, Publishing);
                var recovered = 0;
                foreach (var partition in abandoned)
                {
                    recovered += await publisher.RecordLostPublishAsync(partition, cancellationToken).ConfigureAwait(false) ? 1 : 0;
                }

                if (recovered > 0)
                {
                    LogRecoveredPublishes(recovered);
                }
            }

            var settled = await shared.SettleAbandonedAttemptsAsync(clock.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
            if (settled.Count > 0)
            {
                await Interruptions.RecordSettledAsync(shared, settled, clock.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
                LogSettled(settled.Count);
            }

            return;
        }

        if (metadata is not PostgresMetadataStore)
        {
            await ReconcileAsync(metadata, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ReconcileAsync(IMetadataStore metadata, CancellationToken cancellationToken)
    {
        // Local and S3 roots stamp pointers with real time, whatever clock the host injects for its domain.
        var report = await new PointerReconciler(Store, metadata, clock, SystemClock.Instance).ReconcileChangesAsync(cancellationToken).ConfigureAwait(false);
        if (report.IndexTrusted)
        {
            LogIndexTrusted();
            return;
        }

        LogReconciled(report.Pointers, report.Read, report.Updated, report.Problems.Count);
        foreach (var problem in report.Problems)
        {
            LogUnreadablePointer(problem);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_queue is not null)
        {
            await _queue.DisposeAsync().ConfigureAwait(false);
        }

        if (_metadata is not null)
        {
            await _metadata.DisposeAsync().ConfigureAwait(false);
        }

        (_store as IDisposable)?.Dispose();
        _opening.Dispose();
    }

    /// <summary>The shared store's reconnection settings: <c>Assets:MetadataReconnectFor</c> (validated at start-up).</summary>
    private PostgresStoreOptions PostgresOptions(ILogger logger)
        => new() { Logger = logger, ReconnectFor = DurationText.Parse(options.Value.MetadataReconnectFor) };

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Recorded {Count} publishes whose process stopped after its pointer landed and before the metadata store recorded it")]
    private partial void LogRecoveredPublishes(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciled the metadata store with {Pointers} pointers ({Read} read, the others unchanged since the last reconciliation): {Updated} records rewritten, {Problems} unreadable")]
    private partial void LogReconciled(int pointers, int read, int updated, int problems);

    [LoggerMessage(Level = LogLevel.Information, Message = "The metadata store was closed cleanly by the process before: its index is taken as it is, no pointer read (after changing the root by other means, run 'verify --reconcile')")]
    private partial void LogIndexTrusted();

    [LoggerMessage(Level = LogLevel.Information, Message = "Settled {Count} partitions whose runs died (their leases expired) as failed")]
    private partial void LogSettled(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unreadable pointer or manifest left out of the status: {Problem}")]
    private partial void LogUnreadablePointer(string problem);
}

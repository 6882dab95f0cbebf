using Assets.Execution;
using Assets.Graph;
using Assets.Hosting.Configuration;
using Assets.Hosting.Storage;
using Assets.Metadata;
using Assets.Planning;
using Microsoft.Extensions.Configuration;
using Assets.Storage.Publishing;
using Assets.Storage.Reading;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Assets.Hosting.CommandLine;

/// <summary>The executor every running command builds the same way: the host's graph, storage, clock and loggers.</summary>
internal static class Executors
{
    /// <summary>The configuration key of <see cref="ExecutionOptions.LeaseWait"/>: a duration such as <c>5m</c>; <c>0s</c> fails at once.</summary>
    public const string LeaseWaitKey = "Assets:Execution:LeaseWait";

    /// <summary>How long a step waits for another run's lease, from <see cref="LeaseWaitKey"/>; a bad value is a usage error naming the key.</summary>
    public static Duration LeaseWait(IServiceProvider services)
    {
        var text = services.GetRequiredService<IConfiguration>()[LeaseWaitKey];
        if (text is null)
        {
            return ExecutionOptions.DefaultLeaseWait;
        }

        return DurationText.TryParse(text, out var wait, out var error)
            ? wait
            : throw new CommandUsageException($"Invalid configuration: {LeaseWaitKey} '{text}': {error}");
    }

    /// <summary>
    /// After a step of a <paramref name="mode"/> plan waited for another run's lease: whether its partition still needs running,
    /// planned again against the store now: not when it is published and up to date (the other run did what was asked).
    /// <c>null</c> for <see cref="PlanMode.Force"/>: a forced partition runs whatever the other run did.
    /// </summary>
    public static Func<AssetPartition, CancellationToken, Task<bool>>? StillNeeded(IServiceProvider services, PlanMode mode)
        => mode == PlanMode.Force
            ? null
            : async (partition, cancellationToken) =>
            {
                var grid = await PlanningCommands.EvaluateAsync(services, cancellationToken).ConfigureAwait(false);
                return !grid.TryGet(partition, out var row) || row.Status != PartitionStatus.Published;
            };

    public static AssetExecutor Create(IServiceProvider services, IMetadataStore metadata, ExecutionOptions options)
        => Create(services, metadata, options, out _);

    /// <summary>Whether runs are handed to the shared mode's workers (<c>Assets:Execution:Mode=Workers</c>) rather than run in this process.</summary>
    public static bool UseWorkers(IServiceProvider services) => services.GetRequiredService<IOptions<AssetsOptions>>().Value.Execution.UsesWorkers;

    /// <summary>
    /// How a backfill's runs are run: queued for the workers in the workers mode (backfill priority, the backfill's
    /// concurrency limit over all its runs), else in this process on <paramref name="slots"/> as backfill work.
    /// </summary>
    public static Func<Backfills.Backfill, RunSteps> BackfillRuns(IServiceProvider services, IMetadataStore metadata, StepSlots? slots)
        => backfill =>
        {
            var request = backfill.Request;
            if (UseWorkers(services))
            {
                var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Assets.Workers");
                return new Workers.QueuedRunWaiter(services).ForBackfill(backfill, note => WorkersLog.Note(logger, $"backfill {backfill.Id}", note));
            }

            return Create(services, metadata, new ExecutionOptions { MaxParallelism = request.MaxConcurrency, Slots = slots, Priority = StepPriority.Backfill, LeaseWait = LeaseWait(services), StillNeededAfterLeaseWait = StillNeeded(services, request.Reprocess) }).RunAsync;
        };

    /// <summary>An executor whose store keeps the rows its run decodes (one store per run: the cache is the run's).</summary>
    public static AssetExecutor Create(IServiceProvider services, IMetadataStore metadata, ExecutionOptions options, out DecodedRowCache decodedRows)
        => Create(services, metadata, options, null, out decodedRows);

    /// <summary>As above, with the publish protocol's settings given (a worker's: leases no longer than its claims).</summary>
    public static AssetExecutor Create(IServiceProvider services, IMetadataStore metadata, ExecutionOptions options, PublisherOptions? publishing, out DecodedRowCache decodedRows)
    {
        var storage = services.GetRequiredService<AssetsStorage>();
        var clock = services.GetRequiredService<AssetsClock>();
        var settings = services.GetRequiredService<IOptions<AssetsOptions>>().Value;
        var store = new StorageMaterializationStore(storage.Store, metadata, clock, publishing ?? storage.Publishing, cacheOptions: new DecodedRowCacheOptions { MaxRows = settings.DecodedRowCacheRows });
        decodedRows = store.DecodedRows;
        return new AssetExecutor(
            services.GetRequiredService<AssetGraph>(),
            store,
            metadata,
            services,
            clock,
            services.GetRequiredService<ILoggerFactory>(),
            options);
    }
}

/// <summary>What a run queued for the workers says while it waits, where no progress view shows it (backfills, automation).</summary>
internal static partial class WorkersLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "{Run}: {Note}")]
    public static partial void Note(ILogger logger, string run, string note);
}

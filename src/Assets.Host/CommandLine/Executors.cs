using Assets.Execution;
using Assets.Graph;
using Assets.Hosting.Configuration;
using Assets.Hosting.Storage;
using Assets.Metadata;
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
    public static AssetExecutor Create(IServiceProvider services, IMetadataStore metadata, ExecutionOptions options)
        => Create(services, metadata, options, out _);

    /// <summary>An executor whose store keeps the rows its run decodes (one store per run: the cache is the run's).</summary>
    public static AssetExecutor Create(IServiceProvider services, IMetadataStore metadata, ExecutionOptions options, out DecodedRowCache decodedRows)
    {
        var storage = services.GetRequiredService<AssetsStorage>();
        var clock = services.GetRequiredService<AssetsClock>();
        var settings = services.GetRequiredService<IOptions<AssetsOptions>>().Value;
        var store = new StorageMaterializationStore(storage.Store, metadata, clock, storage.Publishing, cacheOptions: new DecodedRowCacheOptions { MaxRows = settings.DecodedRowCacheRows });
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

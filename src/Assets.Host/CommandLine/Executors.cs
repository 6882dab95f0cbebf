using Assets.Execution;
using Assets.Graph;
using Assets.Hosting.Storage;
using Assets.Metadata;
using Assets.Storage.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Assets.Hosting.CommandLine;

/// <summary>The executor every running command builds the same way: the host's graph, storage, clock and loggers.</summary>
internal static class Executors
{
    public static AssetExecutor Create(IServiceProvider services, IMetadataStore metadata, ExecutionOptions options)
    {
        var storage = services.GetRequiredService<AssetsStorage>();
        var clock = services.GetRequiredService<AssetsClock>();
        return new AssetExecutor(
            services.GetRequiredService<AssetGraph>(),
            new StorageMaterializationStore(storage.Store, metadata, clock, storage.Publishing),
            metadata,
            services,
            clock,
            services.GetRequiredService<ILoggerFactory>(),
            options);
    }
}

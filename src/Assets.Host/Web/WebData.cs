using Assets.Freshness;
using Assets.Graph;
using Assets.Hosting.CommandLine;
using Assets.Hosting.Daemon;
using Assets.Hosting.Storage;
using Assets.Metadata;
using Assets.Planning;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Assets.Hosting.Web;

/// <summary>What the pages read: the graph, the status grid (the daemon's cached evaluation), freshness, the store.</summary>
internal sealed class WebData(IServiceProvider services, DaemonWork work)
{
    public IServiceProvider Services => services;

    public DaemonWork Work => work;

    public AssetGraph Graph => services.GetRequiredService<AssetGraph>();

    public Instant Now => services.GetRequiredService<IClock>().GetCurrentInstant();

    public Task<StatusGrid> GridAsync(CancellationToken cancellationToken) => PlanningCommands.EvaluateAsync(services, cancellationToken);

    public Task<IMetadataStore> MetadataAsync(CancellationToken cancellationToken)
        => services.GetRequiredService<AssetsStorage>().OpenMetadataAsync(cancellationToken);

    public async Task<IReadOnlyDictionary<AssetKey, AssetFreshness>> FreshnessAsync(CancellationToken cancellationToken)
        => (await LocalAssetsQueries.EvaluateFreshnessAsync(services, Now, cancellationToken).ConfigureAwait(false)).ToDictionary(f => f.Asset);

    /// <summary>The asset named <paramref name="key"/>; a usage error with the closest key when there is none.</summary>
    public AssetDefinition Asset(string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new CommandUsageException("Name an asset: ?key=raw_orders.");
        }

        return Graph.Get(key);
    }
}

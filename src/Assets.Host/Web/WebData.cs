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

/// <summary>
/// What the pages read: the graph, the status grid (through the daemon's <see cref="StatusGridCache"/>, so a page costs
/// a fingerprint query while nothing changed), freshness judged from the grid's stored states (no second read of every
/// state), and the metadata store for history, checks and events.
/// </summary>
internal sealed class WebData(IServiceProvider services, DaemonWork? work, Func<CancellationToken, Task<IMetadataStore>> metadata)
{
    /// <summary>The daemon's data: its services, its work, the store it holds.</summary>
    public WebData(IServiceProvider services, DaemonWork work)
        : this(services, work, ct => services.GetRequiredService<AssetsStorage>().OpenMetadataAsync(ct))
    {
    }

    public IServiceProvider Services => services;

    /// <summary>The daemon's work (runs and backfills); pages that act need it.</summary>
    public DaemonWork Work => work ?? throw new InvalidOperationException("These pages run without a daemon: nothing can be started from them.");

    public AssetGraph Graph => services.GetRequiredService<AssetGraph>();

    public Instant Now => services.GetRequiredService<AssetsClock>().GetCurrentInstant();

    public Task<IMetadataStore> MetadataAsync(CancellationToken cancellationToken) => metadata(cancellationToken);

    public async Task<StatusGrid> GridAsync(CancellationToken cancellationToken)
    {
        var cache = services.GetService<StatusGridCache>() ?? throw new InvalidOperationException("The services have no StatusGridCache (AddAssets registers one).");
        return await cache.EvaluateAsync(Graph, await MetadataAsync(cancellationToken).ConfigureAwait(false), Now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The freshness of every asset with a policy, judged now from the states in <paramref name="grid"/>.</summary>
    public IReadOnlyDictionary<AssetKey, AssetFreshness> Freshness(StatusGrid grid, AssetDefinition? only = null)
    {
        // Only the assets with a policy: the evaluator indexes every state it is given, and most assets have none.
        var judged = (only is null ? Graph.Assets : [only]).Where(a => a.Freshness is not null);
        var states = judged.SelectMany(a => grid.RowsOf(a.Key)).Where(r => r.Stored is not null).Select(r => r.Stored!).ToList();
        return FreshnessEvaluator.Evaluate(Graph, states, Now).Where(f => only is null || f.Asset == only.Key).ToDictionary(f => f.Asset);
    }

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

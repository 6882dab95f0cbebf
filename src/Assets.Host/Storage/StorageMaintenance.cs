using Assets.Graph;
using Assets.Hosting.CommandLine;
using Assets.Hosting.Rendering;
using Assets.Selection;
using Assets.Storage.Maintenance;
using Assets.Storage.Objects.Local;
using Assets.Storage.Publishing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Assets.Hosting.Storage;

/// <summary>
/// history, rollback and gc done by this process, against the store it opens: a command without a daemon, or the daemon
/// answering one (so a rollback takes its lease in the very store the daemon's runs take theirs). Each returns the
/// command's document (<see cref="MaintenanceJson"/>).
/// </summary>
internal static class StorageMaintenance
{
    public static async Task<string> HistoryAsync(IServiceProvider services, string select, string? partitionText, CancellationToken cancellationToken)
    {
        var partition = OnePartition(services, select, partitionText, "history lists one partition's materializations");
        var storage = services.GetRequiredService<AssetsStorage>();
        var metadata = await storage.OpenMetadataAsync(cancellationToken).ConfigureAwait(false);
        var entries = await new PartitionHistory(storage.Store, metadata).ListAsync(partition, cancellationToken).ConfigureAwait(false);
        return MaintenanceJson.History(partition, entries);
    }

    public static async Task<string> RollbackAsync(IServiceProvider services, string select, string? partitionText, string? toText, CancellationToken cancellationToken)
    {
        var graph = services.GetRequiredService<AssetGraph>();
        var assets = AssetSelection.Parse(select).Resolve(graph);
        MaterializationId? to = null;
        if (toText is not null)
        {
            if (!MaterializationId.TryParse(toText, out var id))
            {
                throw new CommandUsageException($"--to '{AssetKey.Printable(toText)}' is not a materialization id: expected 32 lower-case hex digits, as 'history' lists them.");
            }

            if (assets.Count != 1)
            {
                throw new CommandUsageException($"--to names one materialization, but '{select}' selects {assets.Count} assets: select exactly one.");
            }

            to = id;
        }

        var partitions = assets.Select(asset => new AssetPartition(asset.Key, AssetGraph.ParsePartition(asset, partitionText))).ToArray();
        var storage = services.GetRequiredService<AssetsStorage>();
        var metadata = await storage.OpenMetadataAsync(cancellationToken).ConfigureAwait(false);
        var rollback = new PartitionRollback(storage.Store, metadata, services.GetRequiredService<AssetsClock>(), storage.Publishing);
        var run = RunId.New();
        var results = new List<MaintenanceJson.RollbackItem>(partitions.Length);
        foreach (var partition in partitions)
        {
            try
            {
                var pointer = await rollback.RollbackAsync(partition, to, run, cancellationToken).ConfigureAwait(false);
                results.Add(new(partition.Asset.Value, partition.Partition?.Value, pointer.MaterializationId.Value, pointer.DataVersion, null));
            }
            catch (Exception e) when (e is InvalidOperationException or CorruptObjectException or PartitionLeasedException or PublishConflictException)
            {
                results.Add(new(partition.Asset.Value, partition.Partition?.Value, null, null, e.Message));
            }
        }

        return MaintenanceJson.Rollback(results);
    }

    public static async Task<string> GcAsync(IServiceProvider services, bool dryRun, Duration olderThan, CancellationToken cancellationToken)
    {
        if (olderThan < Duration.Zero)
        {
            throw new CommandUsageException($"The retention cannot be negative ({DurationText.Format(olderThan)}): give 0s to keep nothing unreferenced.");
        }

        var storage = services.GetRequiredService<AssetsStorage>();
        var report = await new GarbageCollector(storage.Store, services.GetRequiredService<AssetsClock>()).CollectAsync(olderThan, dryRun, cancellationToken).ConfigureAwait(false);
        var (tempFiles, tempBytes) = (0, 0L);
        if (!dryRun && storage.Store is LocalObjectStore local)
        {
            var abandoned = await local.DeleteAbandonedTempFilesAsync(olderThan.ToTimeSpan(), cancellationToken).ConfigureAwait(false);
            (tempFiles, tempBytes) = (abandoned.Count, abandoned.Bytes);
        }

        return MaintenanceJson.Gc(new(dryRun, storage.Store.Location, DurationText.Format(olderThan), report.Removed, report.Objects, report.Bytes, report.Kept, report.InFlight, tempFiles, tempBytes));
    }

    /// <summary>The one partition <paramref name="select"/> and <paramref name="partitionText"/> name; a usage error otherwise.</summary>
    private static AssetPartition OnePartition(IServiceProvider services, string select, string? partitionText, string why)
    {
        var graph = services.GetRequiredService<AssetGraph>();
        var assets = AssetSelection.Parse(select).Resolve(graph);
        if (assets.Count != 1)
        {
            throw new CommandUsageException($"'{select}' selects {assets.Count} assets, but {why}: select exactly one.");
        }

        return new AssetPartition(assets[0].Key, AssetGraph.ParsePartition(assets[0], partitionText));
    }
}

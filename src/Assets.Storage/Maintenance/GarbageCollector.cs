using Assets.Graph;
using Assets.Storage.Objects;
using Assets.Storage.Publishing;
using NodaTime;

namespace Assets.Storage.Maintenance;

/// <summary>What <see cref="GarbageCollector.CollectAsync"/> removed (or would remove, in a dry run).</summary>
/// <param name="Objects">Data files and manifests removed.</param>
/// <param name="Bytes">Their total size.</param>
/// <param name="Kept">Unreferenced objects kept because they are younger than the retention period.</param>
/// <param name="Removed">The keys removed, in key order.</param>
/// <param name="InFlight">Materializations skipped because their staging marker is live (still being written or published).</param>
public sealed record GarbageCollectionReport(int Objects, long Bytes, int Kept, IReadOnlyList<string> Removed, int InFlight = 0);

/// <summary>
/// <c>gc</c>: removes data files and manifests that no pointer references and that are older than the
/// retention period (so a quarantine kept for triage and recent rollback targets survive). Never removes the
/// objects of a materialization in flight, whatever the retention: those have a live staging marker, which
/// gc honours by the rule on <see cref="StagingMarkers"/>, so this holds also when gc runs in another process
/// or on another machine. Never removes what a pointer references; refuses to run at all when a pointer
/// cannot be read, because then it cannot know what is referenced.
/// </summary>
public sealed class GarbageCollector(IObjectStore store, IClock clock)
{
    /// <summary>The retention period used when none is given: 7 days.</summary>
    public static Duration DefaultRetention { get; } = Duration.FromDays(7);

    /// <summary>Collects garbage older than <paramref name="olderThan"/>; with <paramref name="dryRun"/> only reports it.</summary>
    public async Task<GarbageCollectionReport> CollectAsync(Duration olderThan, bool dryRun, CancellationToken cancellationToken = default)
    {
        if (olderThan < Duration.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(olderThan), "The retention period cannot be negative.");
        }

        var referenced = new HashSet<(AssetPartition, MaterializationId)>();
        foreach (var entry in await PointerScan.ReadAllAsync(store, null, cancellationToken).ConfigureAwait(false))
        {
            if (entry.Current is null || entry.Partition is not { } partition)
            {
                throw new CorruptObjectException(entry.Key, $"{entry.Problem} gc removes nothing while a pointer cannot be read, since it cannot tell what that pointer references.");
            }

            referenced.Add((partition, entry.Current.MaterializationId));
        }

        var now = clock.GetCurrentInstant();
        var cutoff = now - olderThan;
        var removed = new List<string>();
        long bytes = 0;
        var kept = 0;
        var inFlight = new HashSet<(AssetPartition, MaterializationId)>();
        var dead = new HashSet<(AssetPartition, MaterializationId)>();
        await foreach (var marker in store.ListAsync(StorageLayout.StagingFolder + "/", cancellationToken).ConfigureAwait(false))
        {
            if (StorageLayout.OwnerOfStagingMarker(marker.Key) is not { } owner)
            {
                continue;
            }

            if (marker.LastModified > now - StagingMarkers.Lifetime)
            {
                inFlight.Add(owner);
                continue;
            }

            // Not rewritten for a whole lifetime: its process died. Its objects become ordinary garbage.
            dead.Add(owner);
            if (!dryRun)
            {
                await store.DeleteAsync(marker.Key, cancellationToken).ConfigureAwait(false);
            }

            removed.Add(marker.Key.Value);
            bytes += marker.Size;
        }

        foreach (var folder in new[] { StorageLayout.ManifestsFolder + "/", StorageLayout.DataFolder + "/" })
        {
            var candidates = new List<ObjectEntry>();
            await foreach (var entry in store.ListAsync(folder, cancellationToken).ConfigureAwait(false))
            {
                // Keys that do not follow the layout are not ours to judge: leave them alone.
                if (StorageLayout.OwnerOf(entry.Key) is not { } owner || referenced.Contains(owner) || inFlight.Contains(owner))
                {
                    continue;
                }

                if (entry.LastModified > cutoff)
                {
                    kept++;
                    continue;
                }

                candidates.Add(entry);
            }

            foreach (var entry in candidates)
            {
                // Since the scan, a materialization may have started (its marker precedes its files), or a rollback
                // may have marked this one as its target and re-pointed the partition at it: look again right
                // before deleting. The marker first: it outlives the swap, so once it is gone a pointer naming
                // this materialization is already there to be seen.
                var owner = StorageLayout.OwnerOf(entry.Key)!.Value;
                if (inFlight.Contains(owner)
                    || (!(dryRun && dead.Contains(owner)) && await StagingMarkers.ExistsAsync(store, owner.Partition, owner.Id, cancellationToken).ConfigureAwait(false)))
                {
                    inFlight.Add(owner);
                    continue;
                }

                var (current, _) = await PublishedPartitions.ReadPointerAsync(store, owner.Partition, cancellationToken).ConfigureAwait(false);
                if (current?.MaterializationId == owner.Id)
                {
                    continue;
                }

                if (!dryRun)
                {
                    await store.DeleteAsync(entry.Key, cancellationToken).ConfigureAwait(false);
                }

                removed.Add(entry.Key.Value);
                bytes += entry.Size;
            }
        }

        return new GarbageCollectionReport(removed.Count, bytes, kept, removed, inFlight.Count);
    }
}

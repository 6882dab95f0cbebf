using Assets.Graph;
using Assets.Metadata;
using Assets.Storage.Objects;
using Assets.Storage.Publishing;
using NodaTime;

namespace Assets.Storage.Maintenance;

/// <summary>What became of one materialization of a partition (see <see cref="PartitionHistory"/>).</summary>
public enum MaterializationStatus
{
    /// <summary>The partition's pointer names it now: what readers get.</summary>
    Current,

    /// <summary>It was published once and has been replaced since (by a newer one or a rollback); <c>rollback --to</c> can restore it.</summary>
    Published,

    /// <summary>A blocking check failed on its staged data: never published; its files are kept for triage until <c>gc</c>.</summary>
    Quarantined,

    /// <summary>
    /// It never became current: the attempt failed, its run died, or its publish lost a race. One with a manifest (its
    /// checks passed) can still be published with <c>rollback --to</c>; one without cannot. After the metadata store was
    /// rebuilt from the root, earlier publishes are no longer known and show so too.
    /// </summary>
    Failed,

    /// <summary>A run is materializing it now.</summary>
    Running,
}

/// <summary>
/// One materialization of a partition: from its manifest when it has one, else from its staged data files (a quarantined or
/// failed attempt, or one in flight), with the metadata store's record of its publish.
/// </summary>
/// <param name="Id">The materialization id (what <c>rollback --to</c> takes).</param>
/// <param name="Status">What became of it.</param>
/// <param name="RunId">The run that made it; <c>null</c> when it has no manifest.</param>
/// <param name="CreatedAt">When it was staged: its manifest's time, else its oldest data file's.</param>
/// <param name="PublishedAt">When it was last published, as the metadata store recorded; <c>null</c> when never (or not known).</param>
/// <param name="DataVersion">Its data version; <c>null</c> when it has no manifest.</param>
/// <param name="CodeVersion">The code version that made it; <c>null</c> when it has no manifest.</param>
/// <param name="Rows">Its rows; <c>null</c> when it has no manifest.</param>
/// <param name="Bytes">The size of its data files (those present).</param>
/// <param name="HasManifest">Whether its manifest exists, so that it can be the target of <c>rollback --to</c>.</param>
public sealed record MaterializationEntry(
    MaterializationId Id,
    MaterializationStatus Status,
    RunId? RunId,
    Instant CreatedAt,
    Instant? PublishedAt,
    string? DataVersion,
    string? CodeVersion,
    long? Rows,
    long Bytes,
    bool HasManifest);

/// <summary>
/// <c>history</c>: every materialization of one partition still under the root, newest first (ids are time-ordered). The
/// root is the truth of what exists (manifests and staged data files, until <c>gc</c> removes them) and the pointer of which
/// is current; the metadata store adds when each was published and which attempts were quarantined.
/// </summary>
public sealed class PartitionHistory(IObjectStore store, IMetadataStore metadata)
{
    /// <summary>Lists the materializations of <paramref name="partition"/>, newest first; empty when it has none.</summary>
    /// <exception cref="CorruptObjectException">The pointer or a manifest cannot be read; the message names it.</exception>
    public async Task<IReadOnlyList<MaterializationEntry>> ListAsync(AssetPartition partition, CancellationToken cancellationToken = default)
    {
        // A damaged pointer names nothing current; listing what can replace it is what history is for then.
        var (pointer, _, _) = await PublishedPartitions.ReadPointerToReplaceAsync(store, partition, cancellationToken).ConfigureAwait(false);
        var manifests = new SortedSet<MaterializationId>(Comparer<MaterializationId>.Create((a, b) => string.CompareOrdinal(a.Value, b.Value)));
        await foreach (var entry in store.ListAsync(StorageLayout.ManifestPrefix(partition), cancellationToken).ConfigureAwait(false))
        {
            if (StorageLayout.OwnerOf(entry.Key) is { } owner && owner.Partition == partition)
            {
                manifests.Add(owner.Id);
            }
        }

        // Data of every materialization, with or without a manifest; the prefix may hold other assets' folders (a key prefix
        // is folders too), which OwnerOf tells apart.
        var files = new Dictionary<MaterializationId, (long Bytes, Instant Oldest)>();
        await foreach (var entry in store.ListAsync(StorageLayout.DataPrefix(partition), cancellationToken).ConfigureAwait(false))
        {
            if (StorageLayout.OwnerOf(entry.Key) is { } owner && owner.Partition == partition)
            {
                files[owner.Id] = files.TryGetValue(owner.Id, out var seen)
                    ? (seen.Bytes + entry.Size, Instant.Min(seen.Oldest, entry.LastModified))
                    : (entry.Size, entry.LastModified);
            }
        }

        var published = (await metadata.GetMaterializationsAsync(partition, cancellationToken).ConfigureAwait(false))
            .Where(r => r.PublishedAt is not null).ToDictionary(r => r.Id, r => r.PublishedAt!.Value);
        var events = await metadata.GetEventsAsync(partition: partition, limit: 1000, ct: cancellationToken).ConfigureAwait(false);
        var quarantines = events.Where(e => e.Kind == RunEventKind.StepQuarantined && e.Message is not null).Select(e => e.Message!).ToArray();
        var state = await metadata.GetStateAsync(partition, cancellationToken).ConfigureAwait(false);

        var entries = new List<MaterializationEntry>(manifests.Count + files.Count);
        foreach (var id in manifests.Union(files.Keys).Distinct().OrderByDescending(i => i.Value, StringComparer.Ordinal))
        {
            files.TryGetValue(id, out var data);
            var publishedAt = published.TryGetValue(id, out var at) ? at : (Instant?)null;
            if (pointer?.MaterializationId == id)
            {
                publishedAt = pointer.PublishedAt;
            }

            if (manifests.Contains(id))
            {
                var manifest = await PublishedPartitions.ReadManifestAsync(store, partition, id, cancellationToken).ConfigureAwait(false);
                var status = pointer?.MaterializationId == id ? MaterializationStatus.Current
                    : publishedAt is not null ? MaterializationStatus.Published
                    : MaterializationStatus.Failed;
                entries.Add(new MaterializationEntry(
                    id, status, manifest.RunId, manifest.CreatedAt, publishedAt, manifest.DataVersion, manifest.CodeVersion, manifest.RowCount, data.Bytes, HasManifest: true));
            }
            else
            {
                // No manifest: it stopped before step 4. The newest one of a partition being materialized is that run's.
                var status = quarantines.Any(q => q.Contains(id.Value, StringComparison.Ordinal)) ? MaterializationStatus.Quarantined
                    : state?.Status == PartitionStatus.Running && entries.Count == 0 ? MaterializationStatus.Running
                    : MaterializationStatus.Failed;
                entries.Add(new MaterializationEntry(id, status, null, data.Oldest, null, null, null, null, data.Bytes, HasManifest: false));
            }
        }

        return entries;
    }
}

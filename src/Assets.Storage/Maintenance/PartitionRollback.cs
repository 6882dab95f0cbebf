using Assets.Graph;
using Assets.Metadata;
using Assets.Storage.Objects;
using Assets.Storage.Publishing;
using NodaTime;

namespace Assets.Storage.Maintenance;

/// <summary>
/// <c>rollback</c>: re-points a partition at an earlier materialization, an instant return to a previous
/// version. The target is marked in flight (so gc leaves it alone, see <see cref="StagingMarkers"/>), its
/// manifest and files are checked whole (sizes and SHA-256), the pointer is replaced by compare-and-swap under
/// the partition's lease, and the status and event log record it. A damaged pointer (not a pointer at all) is
/// replaced when the target is named, and the event log says what it held.
/// </summary>
public sealed class PartitionRollback(IObjectStore store, IMetadataStore metadata, IClock clock, PublisherOptions? options = null)
{
    private readonly PublisherOptions _options = options ?? new PublisherOptions();

    /// <summary>
    /// Re-points <paramref name="partition"/> at <paramref name="to"/>, or, when <c>null</c>, at the
    /// materialization published before the current one. Returns the new pointer.
    /// </summary>
    public async Task<PartitionPointer> RollbackAsync(AssetPartition partition, MaterializationId? to, RunId run, CancellationToken cancellationToken = default)
    {
        if (!await metadata.TryAcquireLeaseAsync(partition, run, clock.GetCurrentInstant(), _options.LeaseDuration, cancellationToken).ConfigureAwait(false))
        {
            throw new PartitionLeasedException(partition);
        }

        try
        {
            var (current, version, damaged) = await PublishedPartitions.ReadPointerToReplaceAsync(store, partition, cancellationToken).ConfigureAwait(false);
            if (damaged is not null && to is null)
            {
                throw new InvalidOperationException(
                    $"{damaged} So the version before it is unknown: name the materialization to restore with --to (`{HistoryCommandFor(partition)}` lists them), or rebuild the partition with 'materialize --force'.");
            }

            if (current is null && damaged is null)
            {
                throw new InvalidOperationException($"{partition} was never published, so there is nothing to roll back.");
            }

            var target = to ?? await PreviousAsync(partition, current!, cancellationToken).ConfigureAwait(false);
            if (target == current?.MaterializationId)
            {
                throw new InvalidOperationException($"{partition} already points at materialization {target}.");
            }

            if (to is not null)
            {
                await EnsureRollbackTargetAsync(partition, target, cancellationToken).ConfigureAwait(false);
            }

            // Marked before its files are checked, so a gc that has not yet looked at them will leave them alone.
            var marked = await StagingMarkers.TryCreateAsync(store, partition, target, run, clock.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
            try
            {
                return await RepointAsync(partition, current, version, damaged, target, run, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (marked)
                {
                    await StagingMarkers.RemoveQuietlyAsync(store, partition, target).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await metadata.ReleaseLeaseAsync(partition, run, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<PartitionPointer> RepointAsync(AssetPartition partition, PartitionPointer? current, ObjectVersion? version, string? damaged, MaterializationId target, RunId run, CancellationToken cancellationToken)
    {
        var manifest = await PublishedPartitions.ReadManifestAsync(store, partition, target, cancellationToken).ConfigureAwait(false);
        foreach (var file in manifest.Files)
        {
            if (await RootVerifier.CheckFileAsync(store, file, cancellationToken).ConfigureAwait(false) is { } problem)
            {
                throw new CorruptObjectException(ObjectKey.Parse(file.Path), $"materialization {target} cannot be restored: {problem}");
            }
        }

        var now = clock.GetCurrentInstant();
        var sequence = current?.Sequence ?? (await metadata.GetStateAsync(partition, cancellationToken).ConfigureAwait(false))?.Sequence ?? 0;
        var pointer = new PartitionPointer(StorageLayout.ManifestOf(partition, target).Value, target, manifest.DataVersion, sequence + 1, now);
        var session = metadata as IStoreSession;
        await PointerWriteIntent.BeginAsync(session, partition, flushBeforeSwap: null).ConfigureAwait(false);
        var written = await store.ReplaceIfMatchAsync(StorageLayout.PointerOf(partition), ManifestJson.WritePointer(pointer), version, cancellationToken).ConfigureAwait(false);
        if (!written.Succeeded)
        {
            session?.EndPointerWrite(partition);
            var (winner, _) = await PublishedPartitions.ReadPointerAsync(store, partition, CancellationToken.None).ConfigureAwait(false);
            throw new PublishConflictException(partition, target, winner?.MaterializationId);
        }

        await PublishRecorder.RecordAsync(metadata, manifest, pointer, now, cancellationToken).ConfigureAwait(false);
        var events = new List<RunEvent>();
        if (damaged is not null)
        {
            events.Add(new RunEvent(run, now, RunEventKind.PointerReplaced, partition, null, $"replaced a damaged pointer with materialization {target}: {damaged}"));
        }

        events.Add(new RunEvent(run, now, RunEventKind.RolledBack, partition, null, current is null
            ? $"rolled back to {target} (the pointer was damaged)"
            : $"rolled back from materialization {current.MaterializationId} to {target}"));
        await metadata.AppendEventsAsync(events, cancellationToken).ConfigureAwait(false);

        // Only once the rollback is recorded: had anything failed, the store would close as after a crash.
        session?.EndPointerWrite(partition);
        return pointer;
    }

    /// <summary>
    /// A target the user named must be a complete materialization of this partition: an id that is not one is a mistake
    /// (said so, with where to find the ids), not damage.
    /// </summary>
    private async Task EnsureRollbackTargetAsync(AssetPartition partition, MaterializationId target, CancellationToken cancellationToken)
    {
        if (await store.GetSizeAsync(StorageLayout.ManifestOf(partition, target), cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        var staged = false;
        await foreach (var _ in store.ListAsync(StorageLayout.DataPrefix(partition, target), cancellationToken).ConfigureAwait(false))
        {
            staged = true;
            break;
        }

        var history = $"`{HistoryCommandFor(partition)}` lists the materializations rollback can take.";
        throw new InvalidOperationException(staged
            ? $"Materialization {target} of {partition} has no manifest: it was quarantined or failed before it was complete, so it cannot be published. {history}"
            : $"{partition} has no materialization {target} (gc may have removed it, or it belongs to another partition). {history}");
    }

    /// <summary>The <c>history</c> command line of a partition, for messages.</summary>
    public static string HistoryCommandFor(AssetPartition partition)
        => partition.Partition is { } key ? $"history --select {partition.Asset} --partition {key}" : $"history --select {partition.Asset}";

    /// <summary>
    /// The materialization published before <paramref name="current"/>: the newest one the metadata store
    /// knows was published earlier; failing that (a rebuilt store has only current pointers), the newest
    /// manifest older than the current one.
    /// </summary>
    private async Task<MaterializationId> PreviousAsync(AssetPartition partition, PartitionPointer current, CancellationToken cancellationToken)
    {
        var published = (await metadata.GetMaterializationsAsync(partition, cancellationToken).ConfigureAwait(false))
            .Where(m => m.PublishedAt is not null && m.Id != current.MaterializationId && (m.Sequence ?? 0) < current.Sequence)
            .OrderByDescending(m => m.Sequence)
            .FirstOrDefault();
        if (published is not null)
        {
            return published.Id;
        }

        MaterializationId? newest = null;
        await foreach (var entry in store.ListAsync(StorageLayout.ManifestPrefix(partition), cancellationToken).ConfigureAwait(false))
        {
            if (StorageLayout.OwnerOf(entry.Key) is { } owner
                && string.CompareOrdinal(owner.Id.Value, current.MaterializationId.Value) < 0
                && (newest is not { } best || string.CompareOrdinal(owner.Id.Value, best.Value) > 0))
            {
                newest = owner.Id;
            }
        }

        return newest ?? throw new InvalidOperationException($"{partition} has no earlier version to roll back to.");
    }
}

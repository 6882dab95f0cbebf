using Assets.Graph;
using Assets.Metadata;
using Assets.Storage.Objects;
using Assets.Storage.Publishing;
using NodaTime;

namespace Assets.Storage.Maintenance;

/// <summary>What a reconciliation found.</summary>
/// <param name="Pointers">Pointers in the root.</param>
/// <param name="Updated">Partitions whose record in the metadata store did not match their pointer and were rewritten.</param>
/// <param name="Problems">Pointers or manifests that could not be read (left out of the published set).</param>
/// <param name="Read">Pointers read (all of them for a full reconciliation; those written since the last one otherwise).</param>
public sealed record ReconciliationReport(int Pointers, int Updated, IReadOnlyList<string> Problems, int Read = 0)
{
    /// <summary>
    /// Whether the index was trusted because the previous session closed the store cleanly (<see cref="IStoreSession"/>):
    /// nothing was listed or read, and <see cref="Pointers"/> is 0.
    /// </summary>
    public bool IndexTrusted { get; init; }

    /// <summary>
    /// Whether the pointers read were those the previous session's pointer-write log named (with those of partitions
    /// recorded running), after an unclean close: nothing was listed, and <see cref="Pointers"/> is how many were read.
    /// </summary>
    public bool FromPointerWriteLog { get; init; }
}

/// <summary>
/// Makes the metadata store agree with the pointers, which are the truth (DESIGN.md, step 6): a publish
/// whose record was lost in a crash is recorded, a pointer that vanished makes its partition missing, and
/// a deleted store is rebuilt from the root. Pointers whose record already matches (same materialization
/// and sequence) cost one small read and no manifest read.
/// <para>
/// Runs when the store is opened, when no run can be in flight (one process holds the store), so a
/// partition still marked running belongs to a run that died: it becomes published if that run's
/// pointer landed, and failed ("interrupted", see <see cref="Interruption"/>) otherwise, with the previous version
/// still published; each interruption is logged as <see cref="RunEventKind.StepInterrupted"/> on the partition,
/// counted with the interruptions before it since the partition last ended a step for another reason.
/// </para>
/// <para>
/// <see cref="ReconcileAsync"/> reads every pointer. <see cref="ReconcileChangesAsync"/>, what opening a store
/// does, lists them (keys and modification times, no reads) and reads only those that can disagree with the
/// store: written since the last reconciliation's mark (<see cref="IReconciliationMarkStore"/>, less
/// <see cref="ClockTolerance"/>), of a partition the store does not record as published, or of a partition
/// the store records as running. A publish whose record a crash lost wrote its pointer after the mark, so it
/// is found; so is a pointer replaced or removed behind the store's back (another tool, a restored backup) since the
/// store was last opened.
/// </para>
/// <para>
/// A store whose previous session closed it cleanly (<see cref="IStoreSession.IndexTrustedAfterCleanClose"/>: every
/// pointer that process wrote was recorded and committed before it said so) is trusted by
/// <see cref="ReconcileChangesAsync"/>: nothing is listed or read, so opening costs the same on any size of root. After
/// an unclean close (killed, crashed, power lost) the listing runs as above, which finds a publish whose record the crash
/// lost. Where the dead session kept a pointer-write log (<see cref="IStoreSession.PointerWritesOfUncleanClose"/>), only
/// the pointers it names and those of partitions recorded running are read, and nothing is listed. A pointer changed while
/// no process held the store is found only by <see cref="ReconcileAsync"/>.
/// </para>
/// </summary>
/// <param name="store">The root.</param>
/// <param name="metadata">The metadata store.</param>
/// <param name="clock">Stamps the states the reconciliation writes.</param>
/// <param name="storeClock">
/// The clock of the object store's modification times, for the mark; the system clock by default (local files,
/// S3, whose clock may differ from this machine's by less than <see cref="ClockTolerance"/>).
/// </param>
public sealed partial class PointerReconciler(IObjectStore store, IMetadataStore metadata, IClock clock, IClock? storeClock = null)
{
    /// <summary>
    /// How long before the mark a pointer's modification time still counts as possibly unseen: covers the gap
    /// between a pointer's time stamp and its rename or upload landing, coarse (one second) S3 times and a
    /// skew between this machine's clock and the object store's.
    /// </summary>
    public static Duration ClockTolerance { get; } = Duration.FromMinutes(1);

    private readonly IClock _storeClock = storeClock ?? SystemClock.Instance;

    /// <summary>Reconciles the whole root, reading every pointer (<c>verify --reconcile</c>).</summary>
    public Task<ReconciliationReport> ReconcileAsync(CancellationToken cancellationToken = default)
        => RunAsync(full: true, cancellationToken);

    /// <summary>
    /// Reconciles what can have changed since the last reconciliation, reading only those pointers; nothing at all when
    /// the store's previous session closed it cleanly (<see cref="IStoreSession"/>); the whole root when the store has
    /// no mark for it (new, deleted, used with another root, or one that keeps none).
    /// </summary>
    public Task<ReconciliationReport> ReconcileChangesAsync(CancellationToken cancellationToken = default)
        => RunAsync(full: false, cancellationToken);

    private async Task<ReconciliationReport> RunAsync(bool full, CancellationToken cancellationToken)
    {
        // Taken before the listing: every pointer written before it is in the listing (none is in flight,
        // since this process holds the store), so the next reconciliation needs only those modified after it.
        var mark = _storeClock.GetCurrentInstant();
        var marks = metadata as IReconciliationMarkStore;
        var reconciledThrough = full || marks is null ? null : await marks.GetReconciledThroughAsync(store.Location, cancellationToken).ConfigureAwait(false);
        if (reconciledThrough is not null && metadata is IStoreSession { IndexTrustedAfterCleanClose: true })
        {
            // Every pointer of this root was recorded when the store was last closed; one written since was written
            // behind its back, which is verify --reconcile's to find. The mark moves on, so that after a later unclean
            // close only what was written after this open is read.
            await marks!.SetReconciledThroughAsync(store.Location, mark, cancellationToken).ConfigureAwait(false);
            return new ReconciliationReport(0, 0, []) { IndexTrusted = true };
        }

        if (reconciledThrough is not null && metadata is IStoreSession { PointerWritesOfUncleanClose: { } logged } && logged.Root == store.Location)
        {
            return await ReconcileLoggedAsync(logged, mark, marks!, cancellationToken).ConfigureAwait(false);
        }

        var since = reconciledThrough - ClockTolerance;
        var known = (await metadata.GetStatesAsync(null, cancellationToken).ConfigureAwait(false)).ToDictionary(s => s.Partition);
        var listed = await PointerScan.ListAsync(store, null, cancellationToken).ConfigureAwait(false);
        var toRead = since is not { } after ? listed : listed.Where(p => MayDisagree(p, after, known)).ToList();
        var read = (await PointerScan.ReadAsync(store, toRead, cancellationToken).ConfigureAwait(false)).ToDictionary(e => e.Key);
        var published = new List<PartitionState>(listed.Count);
        var settled = new List<PartitionState>();
        var problems = new List<string>();
        var updated = 0;
        var now = clock.GetCurrentInstant();
        foreach (var item in listed)
        {
            PartitionPointer pointer;
            AssetPartition partition;
            if (read.TryGetValue(item.Key, out var entry))
            {
                if (entry.Current is not { } current || entry.Partition is not { } readPartition)
                {
                    problems.Add($"{entry.Key}: {entry.Problem}");
                    continue;
                }

                (pointer, partition) = (current, readPartition);
            }
            else
            {
                // Not read: the store's record is as current as the pointer (MayDisagree said so).
                var state = known[item.Partition!.Value];
                published.Add(state.Status is PartitionStatus.Published or PartitionStatus.Stale ? state : state with { Status = PartitionStatus.Published, Cause = null });
                continue;
            }

            if (known.TryGetValue(partition, out var recorded) && recorded.MaterializationId == pointer.MaterializationId && recorded.Sequence == pointer.Sequence)
            {
                // The store keeps a failed or quarantined row's own status; it only takes the pointer's version.
                published.Add(recorded.Status is PartitionStatus.Published or PartitionStatus.Stale ? recorded : recorded with { Status = PartitionStatus.Published, Cause = null });
                if (recorded.Status == PartitionStatus.Running)
                {
                    settled.Add(await InterruptedAsync(recorded, now, cancellationToken).ConfigureAwait(false));
                }

                continue;
            }

            if (await RecordFromManifestAsync(partition, pointer, now, problems, cancellationToken).ConfigureAwait(false) is not { } publishedState)
            {
                continue;
            }

            published.Add(publishedState);
            if (recorded?.Status == PartitionStatus.Running)
            {
                // The run died after its pointer landed: its publish counts.
                settled.Add(publishedState);
            }

            updated++;
        }

        // Runs that died before publishing anything, on partitions never published.
        var present = listed.Where(p => p.Partition is not null).Select(p => p.Partition!.Value).ToHashSet();
        foreach (var running in known.Values.Where(s => s.Status == PartitionStatus.Running && !present.Contains(s.Partition)))
        {
            settled.Add(await InterruptedAsync(running, now, cancellationToken).ConfigureAwait(false));
        }

        var vanished = known.Values.Count(s => s.MaterializationId is not null && !present.Contains(s.Partition));

        // Nothing to change: rewriting every published state would only cost time in proportion to the root.
        if (full || updated + vanished + settled.Count + problems.Count > 0)
        {
            await metadata.ReplacePublishedStatesAsync(published, cancellationToken).ConfigureAwait(false);
        }

        if (settled.Count > 0)
        {
            await metadata.SetStatesAsync(settled, cancellationToken).ConfigureAwait(false);
        }

        if (updated + vanished + settled.Count > 0 || problems.Count > 0)
        {
            var reconciliation = RunId.New();
            var events = new List<RunEvent>(settled.Count + 1)
            {
                new(reconciliation, now, RunEventKind.Reconciled, null, null, $"reconciled {listed.Count} pointers ({toRead.Count} read): {updated} records rewritten, {vanished} vanished, {settled.Count} interrupted runs settled, {problems.Count} unreadable"),
            };
            events.AddRange(settled.Where(s => s.Status == PartitionStatus.Failed).Select(s => Interruptions.Event(reconciliation, s, now)));
            await metadata.AppendEventsAsync(events, cancellationToken).ConfigureAwait(false);
        }

        if (marks is not null)
        {
            await marks.SetReconciledThroughAsync(store.Location, mark, cancellationToken).ConfigureAwait(false);
        }

        return new ReconciliationReport(listed.Count, updated + vanished, problems, toRead.Count);
    }

    /// <summary>Whether a listed pointer must be read: written after the mark, or its partition's record cannot be trusted to match it.</summary>
    private static bool MayDisagree(PointerScan.Listed pointer, Instant since, Dictionary<AssetPartition, PartitionState> known)
        => pointer.Partition is not { } partition
            || pointer.LastModified >= since
            || !known.TryGetValue(partition, out var state)
            || state.MaterializationId is null
            || state.Sequence is null
            || state.Status == PartitionStatus.Running;

    private Task<PartitionState> InterruptedAsync(PartitionState running, Instant now, CancellationToken cancellationToken)
        => Interruptions.SettledAsync(metadata, running, now, cancellationToken);

    /// <summary>
    /// Records the publish a pointer names from its manifest and returns the published state; <c>null</c> (with the
    /// problem noted) when the manifest cannot be read.
    /// </summary>
    private async Task<PartitionState?> RecordFromManifestAsync(
        AssetPartition partition, PartitionPointer pointer, Instant now, List<string> problems, CancellationToken cancellationToken)
    {
        Manifest manifest;
        try
        {
            manifest = await PublishedPartitions.ReadManifestAsync(store, partition, pointer.MaterializationId, cancellationToken).ConfigureAwait(false);
        }
        catch (CorruptObjectException e)
        {
            problems.Add(e.Message);
            return null;
        }

        await metadata.RecordMaterializationAsync(PublishRecorder.ToRecord(manifest, pointer), cancellationToken).ConfigureAwait(false);
        return PublishRecorder.PublishedState(manifest, pointer, now);
    }
}

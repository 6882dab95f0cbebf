using Assets.Metadata;
using Assets.Storage.Objects;
using Assets.Storage.Publishing;
using NodaTime;

namespace Assets.Storage.Maintenance;

/// <summary>What <see cref="PointerReconciler.ReconcileAsync"/> found.</summary>
/// <param name="Pointers">Pointers in the root.</param>
/// <param name="Updated">Partitions whose record in the metadata store did not match their pointer and were rewritten.</param>
/// <param name="Problems">Pointers or manifests that could not be read (left out of the published set).</param>
public sealed record ReconciliationReport(int Pointers, int Updated, IReadOnlyList<string> Problems);

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
/// </summary>
public sealed class PointerReconciler(IObjectStore store, IMetadataStore metadata, IClock clock)
{
    /// <summary>Reconciles the whole root.</summary>
    public async Task<ReconciliationReport> ReconcileAsync(CancellationToken cancellationToken = default)
    {
        var known = (await metadata.GetStatesAsync(null, cancellationToken).ConfigureAwait(false)).ToDictionary(s => s.Partition);
        var pointers = await PointerScan.ReadAllAsync(store, null, cancellationToken).ConfigureAwait(false);
        var published = new List<PartitionState>(pointers.Count);
        var settled = new List<PartitionState>();
        var problems = new List<string>();
        var updated = 0;
        var now = clock.GetCurrentInstant();
        foreach (var entry in pointers)
        {
            if (entry.Current is not { } pointer || entry.Partition is not { } partition)
            {
                problems.Add($"{entry.Key}: {entry.Problem}");
                continue;
            }

            if (known.TryGetValue(partition, out var state) && state.MaterializationId == pointer.MaterializationId && state.Sequence == pointer.Sequence)
            {
                // The store keeps a failed or quarantined row's own status; it only takes the pointer's version.
                published.Add(state.Status is PartitionStatus.Published or PartitionStatus.Stale ? state : state with { Status = PartitionStatus.Published, Cause = null });
                if (state.Status == PartitionStatus.Running)
                {
                    settled.Add(await InterruptedAsync(state, now, cancellationToken).ConfigureAwait(false));
                }

                continue;
            }

            Manifest manifest;
            try
            {
                manifest = await PublishedPartitions.ReadManifestAsync(store, partition, pointer.MaterializationId, cancellationToken).ConfigureAwait(false);
            }
            catch (CorruptObjectException e)
            {
                problems.Add(e.Message);
                continue;
            }

            await metadata.RecordMaterializationAsync(PublishRecorder.ToRecord(manifest, pointer), cancellationToken).ConfigureAwait(false);
            var publishedState = PublishRecorder.PublishedState(manifest, pointer, now);
            published.Add(publishedState);
            if (state?.Status == PartitionStatus.Running)
            {
                // The run died after its pointer landed: its publish counts.
                settled.Add(publishedState);
            }

            updated++;
        }

        // Runs that died before publishing anything, on partitions never published.
        var present = pointers.Where(p => p.Partition is not null).Select(p => p.Partition!.Value).ToHashSet();
        foreach (var running in known.Values.Where(s => s.Status == PartitionStatus.Running && !present.Contains(s.Partition)))
        {
            settled.Add(await InterruptedAsync(running, now, cancellationToken).ConfigureAwait(false));
        }

        var vanished = known.Values.Count(s => s.MaterializationId is not null && !present.Contains(s.Partition));
        await metadata.ReplacePublishedStatesAsync(published, cancellationToken).ConfigureAwait(false);
        if (settled.Count > 0)
        {
            await metadata.SetStatesAsync(settled, cancellationToken).ConfigureAwait(false);
        }

        if (updated + vanished + settled.Count > 0 || problems.Count > 0)
        {
            var reconciliation = RunId.New();
            var events = new List<RunEvent>(settled.Count + 1)
            {
                new(reconciliation, now, RunEventKind.Reconciled, null, null, $"reconciled {pointers.Count} pointers: {updated} records rewritten, {vanished} vanished, {settled.Count} interrupted runs settled, {problems.Count} unreadable"),
            };
            events.AddRange(settled.Where(s => s.Status == PartitionStatus.Failed).Select(s => Interruptions.Event(reconciliation, s, now)));
            await metadata.AppendEventsAsync(events, cancellationToken).ConfigureAwait(false);
        }

        return new ReconciliationReport(pointers.Count, updated + vanished, problems);
    }

    private Task<PartitionState> InterruptedAsync(PartitionState running, Instant now, CancellationToken cancellationToken)
        => Interruptions.SettledAsync(metadata, running, now, cancellationToken);
}

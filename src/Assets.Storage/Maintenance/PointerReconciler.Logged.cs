using Assets.Graph;
using Assets.Metadata;
using Assets.Storage.Publishing;
using NodaTime;

namespace Assets.Storage.Maintenance;

/// <summary>The reconciliation after an unclean close that read the dead session's pointer-write log.</summary>
public sealed partial class PointerReconciler
{
    /// <summary>
    /// Reads the pointers <paramref name="logged"/> names and those of partitions recorded running, nothing else, and makes
    /// each partition's record agree with its pointer as a full reconciliation would (the rules of
    /// <see cref="IMetadataStore.ReplacePublishedStatesAsync"/>, applied to these partitions only): a publish whose record
    /// the crash lost is recorded, a run that died is settled, a pointer that is gone makes a published partition missing.
    /// </summary>
    private async Task<ReconciliationReport> ReconcileLoggedAsync(LoggedPointerWrites logged, Instant mark, IReconciliationMarkStore marks, CancellationToken cancellationToken)
    {
        var candidates = logged.Written.Concat(logged.Running).Distinct().ToList();
        var changed = new List<PartitionState>();
        var settled = new List<PartitionState>();
        var problems = new List<string>();
        var (updated, vanished) = (0, 0);
        var now = clock.GetCurrentInstant();
        foreach (var partition in candidates)
        {
            var recorded = await metadata.GetStateAsync(partition, cancellationToken).ConfigureAwait(false);
            PartitionPointer? pointer;
            try
            {
                (pointer, _) = await PublishedPartitions.ReadPointerAsync(store, partition, cancellationToken).ConfigureAwait(false);
            }
            catch (CorruptObjectException e)
            {
                // Left as recorded: the next claim replaces a damaged pointer, and verify reports it.
                problems.Add($"{StorageLayout.PointerOf(partition)}: {e.Message}");
                continue;
            }

            if (pointer is null)
            {
                if (recorded?.MaterializationId is null)
                {
                    // Never published: a first publish that did not land, or a run that died before it.
                    if (recorded?.Status == PartitionStatus.Running)
                    {
                        settled.Add(await InterruptedAsync(recorded, now, cancellationToken).ConfigureAwait(false));
                    }

                    continue;
                }

                vanished++;
                var unpublished = recorded with { MaterializationId = null, DataVersion = null, CodeVersion = null, Sequence = null, PublishedAt = null, UpdatedAt = now };
                if (recorded.Status == PartitionStatus.Running)
                {
                    settled.Add(await InterruptedAsync(unpublished, now, cancellationToken).ConfigureAwait(false));
                }
                else
                {
                    changed.Add(recorded.Status is PartitionStatus.Published or PartitionStatus.Stale
                        ? unpublished with { Status = PartitionStatus.Missing, Cause = "Its published pointer no longer exists under the root, so nothing is published (found when reconciling with the pointers)." }
                        : unpublished);
                }

                continue;
            }

            if (recorded?.MaterializationId == pointer.MaterializationId && recorded.Sequence == pointer.Sequence)
            {
                if (recorded.Status == PartitionStatus.Running)
                {
                    settled.Add(await InterruptedAsync(recorded, now, cancellationToken).ConfigureAwait(false));
                }

                continue;
            }

            if (await RecordFromManifestAsync(partition, pointer, now, problems, cancellationToken).ConfigureAwait(false) is not { } published)
            {
                continue;
            }

            updated++;
            if (recorded?.Status is PartitionStatus.Waiting or PartitionStatus.Failed or PartitionStatus.Quarantined)
            {
                // An attempt's status stays; what readers get is what the pointer says.
                changed.Add(recorded with { MaterializationId = published.MaterializationId, DataVersion = published.DataVersion, CodeVersion = published.CodeVersion, Sequence = published.Sequence, PublishedAt = published.PublishedAt });
            }
            else
            {
                // Running included: the run died after its pointer landed, and its publish counts.
                (recorded?.Status == PartitionStatus.Running ? settled : changed).Add(published);
            }
        }

        if (changed.Count + settled.Count > 0)
        {
            await metadata.SetStatesAsync([.. changed, .. settled], cancellationToken).ConfigureAwait(false);
        }

        if (updated + vanished + settled.Count + problems.Count > 0)
        {
            var reconciliation = RunId.New();
            var events = new List<RunEvent>(settled.Count + 1)
            {
                new(reconciliation, now, RunEventKind.Reconciled, null, null, $"reconciled {candidates.Count} pointers the previous process's pointer-write log named or whose partitions it left running (it closed uncleanly): {updated} records rewritten, {vanished} vanished, {settled.Count} interrupted runs settled, {problems.Count} unreadable"),
            };
            events.AddRange(settled.Where(s => s.Status == PartitionStatus.Failed).Select(s => Interruptions.Event(reconciliation, s, now)));
            await metadata.AppendEventsAsync(events, cancellationToken).ConfigureAwait(false);
        }

        // Committed after the records above; the store then replaces the dead session's log with this one's.
        await marks.SetReconciledThroughAsync(store.Location, mark, cancellationToken).ConfigureAwait(false);
        return new ReconciliationReport(candidates.Count, updated + vanished, problems, candidates.Count) { FromPointerWriteLog = true };
    }
}

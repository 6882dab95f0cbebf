using Assets.Graph;
using Assets.Metadata;

namespace Assets.Storage.Publishing;

/// <summary>
/// A publish whose record was lost: its process swapped the pointer (the publish happened, readers get it) and died before
/// the metadata store recorded it, so the store still names the version before it. The embedded store finds these when it
/// opens (<see cref="Maintenance.PointerReconciler"/>: one process holds it, so any such pointer is a dead run's). The
/// shared store cannot read every pointer on each open of each process, so it finds them where they matter: whoever
/// claims the partition next, or settles its abandoned attempt, holds its lease and compares the pointer with the record.
/// Recording it then keeps the dead run's work: the partition is not materialized a second time.
/// </summary>
internal static class LostPublishes
{
    /// <summary>
    /// Records the publish <paramref name="pointer"/> names when <paramref name="recorded"/> (read while holding the
    /// partition's lease) names another version; returns the state now recorded (<paramref name="recorded"/> itself when
    /// nothing was lost). A pointer whose manifest cannot be read is left for the publish to replace (and verify to report).
    /// </summary>
    public static async Task<PartitionState?> RecordIfLostAsync(PartitionPublisher publisher, AssetPartition partition, PartitionPointer? pointer, PartitionState? recorded, RunId finder, CancellationToken cancellationToken)
    {
        if (pointer is null || (recorded?.MaterializationId == pointer.MaterializationId && recorded?.Sequence == pointer.Sequence))
        {
            return recorded;
        }

        Manifest manifest;
        try
        {
            manifest = await PublishedPartitions.ReadManifestAsync(publisher.Store, partition, pointer.MaterializationId, cancellationToken).ConfigureAwait(false);
        }
        catch (CorruptObjectException)
        {
            return recorded;
        }

        var now = publisher.Clock.GetCurrentInstant();
        await PublishRecorder.RecordAsync(publisher.Metadata, manifest, pointer, now, cancellationToken).ConfigureAwait(false);
        var message = $"recorded the publish of {pointer.MaterializationId} by run {manifest.RunId}, whose process stopped after its pointer landed and before the metadata store recorded it";
        await publisher.Metadata.AppendEventsAsync([new RunEvent(finder, now, RunEventKind.Reconciled, partition, null, message)], cancellationToken).ConfigureAwait(false);
        return PublishRecorder.PublishedState(manifest, pointer, now);
    }
}

using Assets.Metadata;
using NodaTime;

namespace Assets.Storage.Publishing;

/// <summary>Step 6: what the metadata store records about a published pointer (shared by publish, rollback and reconciliation).</summary>
internal static class PublishRecorder
{
    public static async Task RecordAsync(IMetadataStore metadata, Manifest manifest, PartitionPointer pointer, Instant now, CancellationToken cancellationToken)
    {
        await metadata.RecordMaterializationAsync(ToRecord(manifest, pointer), cancellationToken).ConfigureAwait(false);
        await metadata.SetStatesAsync([PublishedState(manifest, pointer, now)], cancellationToken).ConfigureAwait(false);
    }

    public static MaterializationRecord ToRecord(Manifest manifest, PartitionPointer? pointer)
        => new(
            manifest.Partition,
            manifest.MaterializationId,
            manifest.RunId,
            manifest.DataVersion,
            manifest.CodeVersion,
            manifest.RowCount,
            manifest.Files.Sum(f => f.Size),
            StorageLayout.ManifestOf(manifest.Partition, manifest.MaterializationId).Value,
            manifest.Upstream,
            manifest.CreatedAt,
            pointer?.PublishedAt,
            pointer?.Sequence);

    public static PartitionState PublishedState(Manifest manifest, PartitionPointer pointer, Instant now)
        => new(manifest.Partition, PartitionStatus.Published, null, pointer.MaterializationId, pointer.DataVersion, manifest.CodeVersion, pointer.Sequence, pointer.PublishedAt, now);
}

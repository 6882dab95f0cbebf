using Assets.Graph;
using NodaTime;

namespace Assets.Metadata;

/// <summary>
/// The current status of one (asset, partition), as the metadata store indexes it: one row of the status
/// grid. The version fields describe what readers get now (the published pointer), so a
/// <see cref="PartitionStatus.Failed"/> partition that was published before still carries the version
/// readers see; they are <c>null</c> when nothing is published.
/// </summary>
/// <param name="Partition">The asset and partition (<c>null</c> partition for an unpartitioned asset).</param>
/// <param name="Status">The status.</param>
/// <param name="Cause">Why the partition has its status, as a sentence (the upstream that changed, the failed check, the error); <c>null</c> when there is nothing to say.</param>
/// <param name="MaterializationId">The published materialization, or <c>null</c> when nothing is published.</param>
/// <param name="DataVersion">The published data version, or <c>null</c>.</param>
/// <param name="CodeVersion">The code version the published data was made with, or <c>null</c>.</param>
/// <param name="Sequence">The published pointer's sequence number, or <c>null</c>.</param>
/// <param name="PublishedAt">When the published version was published, or <c>null</c>.</param>
/// <param name="UpdatedAt">When this state was last written.</param>
public sealed record PartitionState(
    AssetPartition Partition,
    PartitionStatus Status,
    string? Cause,
    MaterializationId? MaterializationId,
    string? DataVersion,
    string? CodeVersion,
    long? Sequence,
    Instant? PublishedAt,
    Instant UpdatedAt);

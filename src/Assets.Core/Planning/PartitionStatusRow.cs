using Assets.Graph;
using Assets.Metadata;

namespace Assets.Planning;

/// <summary>
/// One cell of the <see cref="StatusGrid"/>: the evaluated status of an (asset, partition) with its cause, and
/// the state the metadata store holds for it (the published version readers get, when there is one).
/// </summary>
/// <param name="Partition">The asset and partition (<c>null</c> partition for an unpartitioned asset).</param>
/// <param name="Status">The evaluated status: the stored one, except that a published partition is
/// <see cref="PartitionStatus.Stale"/> or <see cref="PartitionStatus.Published"/> by evaluation, and a partition
/// without a stored state is <see cref="PartitionStatus.Missing"/>.</param>
/// <param name="Cause">Why, as a sentence: the staleness cause, or the stored cause of a running, waiting, failed,
/// quarantined or missing partition; <c>null</c> for a published partition and a partition never materialized.</param>
/// <param name="Stored">The stored state, or <c>null</c> when the store has none.</param>
public readonly record struct PartitionStatusRow(AssetPartition Partition, PartitionStatus Status, string? Cause, PartitionState? Stored)
{
    /// <summary>
    /// Whether the status comes from the latest observation of the partition's source saying it has not arrived
    /// (<see cref="SourceObserverAttribute"/>): eager automation does not run such a partition until the source is observed.
    /// </summary>
    public bool AwaitsSource { get; init; }

    /// <summary>
    /// Whether the partition's last attempt failed, was quarantined or waited, and its source has been observed present in a
    /// new version since: new input, so eager automation tries it again (a corrected export after a quarantine).
    /// </summary>
    public bool SourceChangedSince { get; init; }
}

using Assets.Graph;
using Assets.Metadata;

namespace Assets.Planning;

/// <summary>
/// One cell of the <see cref="StatusGrid"/>: the evaluated status of an (asset, partition) with its cause, and
/// the state the metadata store holds for it (the published version readers get, when there is one).
/// </summary>
/// <remarks>
/// A grid read back from a status-grid snapshot, or evaluated from a store's compact read, makes a row's
/// <see cref="Stored"/> state when it is first asked for (planning asks for few of them); the row compares, hashes and
/// prints as if the state had been made up front.
/// </remarks>
public readonly record struct PartitionStatusRow
{
    /// <summary>The <see cref="PartitionState"/>, or the <see cref="IStoredStates"/> that makes it on first use.</summary>
    private readonly object? _stored;

    /// <summary>The row's position in its <see cref="IStoredStates"/>.</summary>
    private readonly int _storedIndex;

    /// <summary>A row with its stored state.</summary>
    /// <param name="Partition">The asset and partition (<c>null</c> partition for an unpartitioned asset).</param>
    /// <param name="Status">The evaluated status: the stored one, except that a published partition is
    /// <see cref="PartitionStatus.Stale"/> or <see cref="PartitionStatus.Published"/> by evaluation, and a partition
    /// without a stored state is <see cref="PartitionStatus.Missing"/>.</param>
    /// <param name="Cause">Why, as a sentence: the staleness cause, or the stored cause of a running, waiting, failed,
    /// quarantined or missing partition; <c>null</c> for a published partition and a partition never materialized.</param>
    /// <param name="Stored">The stored state, or <c>null</c> when the store has none.</param>
#pragma warning disable CA1725, IDE1006 // The parameter names are the properties' (as a positional record's were).
    public PartitionStatusRow(AssetPartition Partition, PartitionStatus Status, string? Cause, PartitionState? Stored)
#pragma warning restore CA1725, IDE1006
    {
        this.Partition = Partition;
        this.Status = Status;
        this.Cause = Cause;
        _stored = Stored;
    }

    /// <summary>A row whose stored state <paramref name="stored"/> makes when it is first asked for.</summary>
    internal PartitionStatusRow(AssetPartition partition, PartitionStatus status, string? cause, IStoredStates stored, int index)
    {
        Partition = partition;
        Status = status;
        Cause = cause;
        _stored = stored;
        _storedIndex = index;
    }

    /// <summary>The asset and partition (<c>null</c> partition for an unpartitioned asset).</summary>
    public AssetPartition Partition { get; init; }

    /// <summary>
    /// The evaluated status: the stored one, except that a published partition is <see cref="PartitionStatus.Stale"/> or
    /// <see cref="PartitionStatus.Published"/> by evaluation, and a partition without a stored state is <see cref="PartitionStatus.Missing"/>.
    /// </summary>
    public PartitionStatus Status { get; init; }

    /// <summary>
    /// Why, as a sentence: the staleness cause, or the stored cause of a running, waiting, failed, quarantined or missing
    /// partition; <c>null</c> for a published partition and a partition never materialized.
    /// </summary>
    public string? Cause { get; init; }

    /// <summary>The stored state, or <c>null</c> when the store has none.</summary>
    public PartitionState? Stored
    {
        get => _stored is IStoredStates states ? states.Get(_storedIndex) : (PartitionState?)_stored;
        init
        {
            _stored = value;
            _storedIndex = 0;
        }
    }

    /// <summary>What <see cref="Stored"/> comes from: the <see cref="PartitionState"/>, the <see cref="IStoredStates"/>, or <c>null</c>.</summary>
    internal object? StoredSource => _stored;

    /// <summary>The row's position in the <see cref="IStoredStates"/> of <see cref="StoredSource"/>.</summary>
    internal int StoredIndex => _storedIndex;

    /// <summary>The stored state for a caller that reads it once (a snapshot being written): not kept by the row if it was not made yet.</summary>
    internal PartitionState? PeekStored() => _stored is IStoredStates states ? states.Peek(_storedIndex) : (PartitionState?)_stored;

    /// <summary>Whether the stored state has a published data version, without making a state that is not made yet.</summary>
    internal bool HasStoredDataVersion
        => _stored is IStoredStates states ? states.HasDataVersion(_storedIndex) : ((PartitionState?)_stored)?.DataVersion is not null;

    /// <summary>The stored state's published data version, or <c>null</c>, without making a state that is not made yet.</summary>
    internal string? StoredDataVersion
        => _stored is IStoredStates states ? states.DataVersion(_storedIndex) : ((PartitionState?)_stored)?.DataVersion;

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

    /// <summary>The row's parts, in the constructor's order.</summary>
#pragma warning disable CA1725, IDE1006 // The parameter names are the properties' (as a positional record's were).
    public void Deconstruct(out AssetPartition Partition, out PartitionStatus Status, out string? Cause, out PartitionState? Stored)
#pragma warning restore CA1725, IDE1006
    {
        Partition = this.Partition;
        Status = this.Status;
        Cause = this.Cause;
        Stored = this.Stored;
    }

    /// <summary>Whether both rows say the same: the same partition, status, cause, flags and an equal stored state (made if need be).</summary>
    public bool Equals(PartitionStatusRow other)
        => Partition == other.Partition
            && Status == other.Status
            && string.Equals(Cause, other.Cause, StringComparison.Ordinal)
            && AwaitsSource == other.AwaitsSource
            && SourceChangedSince == other.SourceChangedSince
            && ((ReferenceEquals(_stored, other._stored) && _storedIndex == other._storedIndex) || Equals(Stored, other.Stored));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Partition, Status, Cause, Stored, AwaitsSource, SourceChangedSince);
}

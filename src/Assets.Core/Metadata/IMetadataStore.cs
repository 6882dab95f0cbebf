using Assets.Graph;
using NodaTime;

namespace Assets.Metadata;

/// <summary>
/// The metadata store: the event log, leases, the index of materializations, the current status of every
/// asset partition, and check results. The published pointers under the storage root are the truth and
/// this store is an index of them (step 6 of the publish protocol): on start-up it is reconciled with them
/// through <see cref="ReplacePublishedStatesAsync"/>, so a deleted store can be rebuilt from the root.
/// An unpartitioned asset is an <see cref="AssetPartition"/> with a <c>null</c> partition everywhere.
/// Implementations are safe to call concurrently; operations are atomic one by one.
/// </summary>
public interface IMetadataStore : IAsyncDisposable
{
    /// <summary>Appends events to the log in the order given. The log is append-only.</summary>
    Task AppendEventsAsync(IReadOnlyList<RunEvent> events, CancellationToken ct = default);

    /// <summary>
    /// Reads events, newest first (by <see cref="RunEvent.At"/>, then by the reverse of append order), at most
    /// <paramref name="limit"/>, optionally only those of one run and/or one asset partition.
    /// </summary>
    Task<IReadOnlyList<RunEvent>> GetEventsAsync(RunId? run = null, AssetPartition? partition = null, int limit = 1000, CancellationToken ct = default);

    /// <summary>
    /// Takes the lease on a partition until <paramref name="now"/> + <paramref name="ttl"/>: <c>true</c> when it
    /// was free, had expired (its expiry is at or before <paramref name="now"/>), or is already held by
    /// <paramref name="holder"/> (then it is renewed); <c>false</c> while another run holds it.
    /// </summary>
    Task<bool> TryAcquireLeaseAsync(AssetPartition partition, RunId holder, Instant now, Duration ttl, CancellationToken ct = default);

    /// <summary>Releases the lease if <paramref name="holder"/> holds it; does nothing otherwise.</summary>
    Task ReleaseLeaseAsync(AssetPartition partition, RunId holder, CancellationToken ct = default);

    /// <summary>
    /// Who holds the lease on a partition at <paramref name="now"/>: <c>null</c> when it is free or has expired. Used to name
    /// the run a step waits for and to poll until it lets go; the lease itself is only ever taken by
    /// <see cref="TryAcquireLeaseAsync"/>, so an answer that is stale by the time it arrives does no harm. The default, for
    /// a store that cannot tell, is <c>null</c>: a waiting step then polls <see cref="TryAcquireLeaseAsync"/> through
    /// its materialization store without a name to show.
    /// </summary>
    Task<PartitionLease?> GetLeaseAsync(AssetPartition partition, Instant now, CancellationToken ct = default) => Task.FromResult<PartitionLease?>(null);

    /// <summary>
    /// Records a materialization, replacing the record with the same <see cref="MaterializationRecord.Id"/>
    /// (to add its publish time and sequence). An id always belongs to the same asset partition.
    /// </summary>
    Task RecordMaterializationAsync(MaterializationRecord record, CancellationToken ct = default);

    /// <summary>The materializations of a partition, newest first (by creation time, then id).</summary>
    Task<IReadOnlyList<MaterializationRecord>> GetMaterializationsAsync(AssetPartition partition, CancellationToken ct = default);

    /// <summary>
    /// Writes the current state of each partition given, replacing its previous state, in one transaction.
    /// When a partition appears more than once, the last one wins.
    /// </summary>
    Task SetStatesAsync(IReadOnlyList<PartitionState> states, CancellationToken ct = default);

    /// <summary>The current state of a partition, or <c>null</c> when none was ever recorded (missing).</summary>
    Task<PartitionState?> GetStateAsync(AssetPartition partition, CancellationToken ct = default);

    /// <summary>
    /// The current states of every recorded partition of the given assets (<c>null</c>: of all assets),
    /// ordered by asset key, then partition key (ordinal; an unpartitioned asset's state comes first).
    /// </summary>
    Task<IReadOnlyList<PartitionState>> GetStatesAsync(IReadOnlyCollection<AssetKey>? assets = null, CancellationToken ct = default);

    /// <summary>Records check results (append-only: a re-evaluation adds a result, it does not replace one).</summary>
    Task RecordCheckResultsAsync(IReadOnlyList<CheckRecord> results, CancellationToken ct = default);

    /// <summary>The check results of a partition, over all its materializations, newest first.</summary>
    Task<IReadOnlyList<CheckRecord>> GetCheckResultsAsync(AssetPartition partition, CancellationToken ct = default);

    /// <summary>
    /// Reconciles the store with the published pointers, in one transaction. <paramref name="published"/> holds
    /// one state per pointer that exists (status <see cref="PartitionStatus.Published"/> or
    /// <see cref="PartitionStatus.Stale"/>, with the pointer's version fields):
    /// <list type="bullet">
    /// <item>a partition with no state, or whose state is missing, published or stale, takes the given state
    /// (unless it already says the same apart from its update time: then it is left as it is);</item>
    /// <item>a partition whose state is running, waiting, failed or quarantined keeps its status, cause and
    /// update time but takes the pointer's version fields (materialization id, data and code version,
    /// sequence, publish time);</item>
    /// <item>a partition recorded as published or stale that is not in the list becomes missing with its version
    /// fields cleared and a cause saying its pointer vanished; one running, waiting, failed or quarantined keeps
    /// its status but loses its version fields (nothing is published); both are stamped with the store's clock.</item>
    /// </list>
    /// Several states for one partition: the last wins. A state of another status is an argument error.
    /// </summary>
    Task ReplacePublishedStatesAsync(IReadOnlyList<PartitionState> published, CancellationToken ct = default);

    /// <summary>
    /// For every partition whose state names a materialization (of <paramref name="assets"/>, or all when
    /// <c>null</c>), the upstream data versions that materialization read: what staleness compares with
    /// the upstream partitions' current versions. A partition is absent when its materialization read nothing
    /// or it has none.
    /// </summary>
    Task<IReadOnlyDictionary<AssetPartition, IReadOnlyList<UpstreamVersion>>> GetRecordedUpstreamAsync(IReadOnlyCollection<AssetKey>? assets = null, CancellationToken ct = default);

    /// <summary>
    /// A fingerprint of everything the status of a partition is evaluated from (the states and the recorded
    /// upstream versions): equal fingerprints mean equal inputs, so a status grid evaluated when the store had
    /// this fingerprint can be reused (see <see cref="Planning.StatusGridCache"/>) as long as the graph and the
    /// existing partitions are the same too. Every write that can change a status changes it (writes still
    /// pending are counted). <c>null</c> (the default): the store keeps none, and every plan evaluates afresh.
    /// </summary>
    Task<string?> GetStatusFingerprintAsync(CancellationToken ct = default) => Task.FromResult<string?>(null);
}

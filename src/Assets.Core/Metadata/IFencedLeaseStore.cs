using NodaTime;
using Assets.Graph;

namespace Assets.Metadata;

/// <summary>
/// Leases that are safe across processes and machines (DESIGN.md, "Shared mode"): a lease expires unless its holder
/// renews it (the heartbeat), carries a fencing epoch (<see cref="LeaseClaim.Epoch"/>), and the record of a publish is
/// refused unless the publisher still holds the lease at the epoch it claimed, checked in the record's own transaction.
/// A metadata store shared by many processes implements it; the publish protocol uses it when it is there.
/// </summary>
public interface IFencedLeaseStore
{
    /// <summary>
    /// Takes the lease on <paramref name="partition"/> until <paramref name="now"/> + <paramref name="ttl"/>, as
    /// <see cref="IMetadataStore.TryAcquireLeaseAsync"/> does, and returns the holding with its epoch; <c>null</c> while
    /// another holder's lease has not expired. Taking a free, released or expired lease starts a new epoch; the same
    /// holder taking it again keeps its epoch.
    /// </summary>
    Task<LeaseClaim?> TryClaimLeaseAsync(AssetPartition partition, RunId holder, Instant now, Duration ttl, CancellationToken ct = default);

    /// <summary>
    /// Extends <paramref name="claim"/> to <paramref name="now"/> + <paramref name="ttl"/> if the partition's lease is
    /// still this holder's at this epoch (even past its expiry, as long as nobody took it since); <c>false</c> when it
    /// changed hands or was released: the holder must not publish.
    /// </summary>
    Task<bool> TryRenewLeaseAsync(LeaseClaim claim, Instant now, Duration ttl, CancellationToken ct = default);

    /// <summary>
    /// Step 6 of the publish protocol under the fence: records <paramref name="record"/> and sets <paramref name="state"/>
    /// in one transaction, only if the partition's lease is still <paramref name="claim"/>'s holder at its epoch (locked
    /// for the transaction). <c>false</c>: the lease changed hands, nothing was written.
    /// </summary>
    Task<bool> TryRecordFencedPublishAsync(LeaseClaim claim, MaterializationRecord record, PartitionState state, CancellationToken ct = default);

    /// <summary>The partition's lease: its holder (<c>null</c> when released or never taken), epoch and expiry; <c>null</c> when it was never taken.</summary>
    Task<LeaseInfo?> GetLeaseAsync(AssetPartition partition, CancellationToken ct = default);
}

/// <summary>A partition's lease as the store has it. Immutable.</summary>
/// <param name="Partition">The partition.</param>
/// <param name="Holder">The run holding it; <c>null</c> once released.</param>
/// <param name="Epoch">The epoch of the latest holding.</param>
/// <param name="ExpiresAt">When the latest holding expires (or expired).</param>
public sealed record LeaseInfo(AssetPartition Partition, RunId? Holder, long Epoch, Instant ExpiresAt);

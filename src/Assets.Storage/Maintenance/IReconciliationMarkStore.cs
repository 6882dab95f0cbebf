using NodaTime;

namespace Assets.Storage.Maintenance;

/// <summary>
/// A metadata store that remembers how far it agrees with the root's pointers, so that opening it reads only
/// the pointers written since (<see cref="PointerReconciler.ReconcileChangesAsync"/>) instead of every one. A
/// store without it is reconciled in full on every open, which is correct but grows with the root.
/// <para>
/// The mark is an instant in the object store's clock (a pointer's modification time as a listing shows it):
/// the store's records agree with every pointer last modified before it. It is written only after the records
/// of the reconciliation that found it are committed, so a crash in between leaves the older, more cautious
/// mark. Two processes reconciling at once may each set theirs: either is safe, since each one's reconciliation
/// covered every pointer modified before it.
/// </para>
/// </summary>
public interface IReconciliationMarkStore
{
    /// <summary>The mark, or <c>null</c> when the store was never reconciled (new, deleted, or from before marks existed).</summary>
    Task<Instant?> GetReconciledThroughAsync(CancellationToken ct = default);

    /// <summary>Records the mark, after every write made before this call.</summary>
    Task SetReconciledThroughAsync(Instant through, CancellationToken ct = default);
}

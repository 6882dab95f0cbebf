using NodaTime;

namespace Assets.Storage.Maintenance;

/// <summary>
/// A metadata store that remembers how far it agrees with a root's pointers, so that opening it reads only
/// the pointers written since (<see cref="PointerReconciler.ReconcileChangesAsync"/>) instead of every one. A
/// store without it is reconciled in full on every open, which is correct but grows with the root.
/// <para>
/// The mark is an instant in the object store's clock (a pointer's modification time as a listing shows it) and the
/// root it was taken on (<see cref="Objects.IObjectStore.Location"/>): the store's records agree with every pointer of
/// that root last modified before it. A store file used with another root has no mark for it (a full reconciliation
/// follows). The mark is written only after the records of the reconciliation that found it are committed, so a crash
/// in between leaves the older, more cautious mark. Two processes reconciling at once may each set theirs: either is
/// safe, since each one's reconciliation covered every pointer modified before it.
/// </para>
/// </summary>
public interface IReconciliationMarkStore
{
    /// <summary>
    /// The mark for <paramref name="root"/>, or <c>null</c> when the store was never reconciled with it (new, deleted,
    /// last reconciled with another root). A mark from before roots were recorded is taken as this root's.
    /// </summary>
    Task<Instant?> GetReconciledThroughAsync(string root, CancellationToken ct = default);

    /// <summary>Records the mark for <paramref name="root"/>, after every write made before this call.</summary>
    Task SetReconciledThroughAsync(string root, Instant through, CancellationToken ct = default);
}

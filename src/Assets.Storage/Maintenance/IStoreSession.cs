using Assets.Graph;

namespace Assets.Storage.Maintenance;

/// <summary>
/// A metadata store held by one process at a time that knows whether the process before this one closed it cleanly, so
/// that opening it after a clean close looks at no pointer (<see cref="PointerReconciler.ReconcileChangesAsync"/> trusts
/// the index), while an open after an unclean one (the process was killed, crashed, lost power) reconciles by listing.
/// <para>
/// Opening records, durably and before anything else can happen, that a session holds the store. Disposing records that
/// it closed cleanly only when, after every pending index write is committed, the index is known to agree with the
/// root: the session started from a reconciled index (a clean close before it, or a reconciliation in it), every
/// pointer write it began has its record written (<see cref="BeginPointerWrite"/> / <see cref="EndPointerWrite"/>), it
/// holds no lease and no partition is recorded running. Anything else leaves the session recorded open, as a crash
/// would, and the next open reconciles: from the session's pointer-write log (<see cref="PointerWritesOfUncleanClose"/>),
/// reading only the pointers it names, or, without a whole log, by listing. A pointer changed while no session holds the store (a restored backup, another
/// tool, another metadata store on the same root) is not seen by an open that trusts the index:
/// <c>verify --reconcile</c> (<see cref="PointerReconciler.ReconcileAsync"/>) reads every pointer.
/// </para>
/// </summary>
public interface IStoreSession
{
    /// <summary>
    /// Whether the index can be taken to agree with the root's pointers without looking at them: the previous session
    /// closed the store cleanly, on this machine and at this path (a file copied or moved from elsewhere is not
    /// trusted), and no pointer write of this session is unsettled.
    /// </summary>
    bool IndexTrustedAfterCleanClose { get; }

    /// <summary>
    /// When the previous session closed uncleanly and kept a pointer-write log that this open found whole: the pointers
    /// that session may have left unrecorded (<see cref="LoggedPointerWrites"/>), so that
    /// <see cref="PointerReconciler.ReconcileChangesAsync"/> reads those instead of listing every pointer. <c>null</c>
    /// otherwise (a clean close, no log, a log of another session), and once this session's index is reconciled.
    /// </summary>
    LoggedPointerWrites? PointerWritesOfUncleanClose { get; }

    /// <summary>
    /// The file of this session's pointer-write log, which <see cref="BeginPointerWrite"/> appends to: a pointer write may
    /// be made only once this file is flushed after its <see cref="BeginPointerWrite"/> (the publish flushes it in the round
    /// that makes its staged files durable). <c>null</c> when the session keeps no log (then an open after its crash lists
    /// the pointers).
    /// </summary>
    string? PointerWriteLogPath { get; }

    /// <summary>
    /// Called right before a pointer of <paramref name="partition"/> is written (a publish, a rollback): until
    /// <see cref="EndPointerWrite"/>, the session cannot close cleanly. Appends the write to the session's pointer-write log
    /// (<see cref="PointerWriteLogPath"/>), which the caller flushes before the write. Throws <see cref="ObjectDisposedException"/>
    /// once the store is closing, so no pointer is written that the close did not account for.
    /// </summary>
    void BeginPointerWrite(AssetPartition partition);

    /// <summary>
    /// Called once the pointer write begun for <paramref name="partition"/> is recorded in the store (its state and
    /// materialization record written), or did not happen (a lost compare-and-swap). Never called when the record
    /// failed: that leaves the session to close uncleanly, so the next open finds the pointer.
    /// </summary>
    void EndPointerWrite(AssetPartition partition);
}

using Assets.Graph;
using Assets.Storage.Maintenance;
using DuckDB.NET.Data;

namespace Assets.Storage.Metadata;

/// <summary>
/// The store's session record (<see cref="IStoreSession"/>, table <c>store_session</c>): opening marks the file held,
/// a clean dispose marks it closed, and an open that finds it still held knows its previous process died.
/// </summary>
public sealed partial class DuckDbMetadataStore : IStoreSession
{
    private readonly PointerWritesInFlight _pointerWrites = new();
    private bool _previousSessionClosedCleanly;

    // Whether the index agrees with the root as far as this session knows: it opened after a clean close, or a
    // reconciliation ran in it (SetReconciledThroughAsync). Only such a session may record a clean close.
    private volatile bool _indexReconciled;

    /// <inheritdoc />
    public bool IndexTrustedAfterCleanClose => _previousSessionClosedCleanly && _pointerWrites.Count == 0;

    /// <summary>Whether the last dispose recorded a clean close (for tests and diagnostics).</summary>
    internal bool ClosedCleanly { get; private set; }

    /// <inheritdoc />
    public void BeginPointerWrite(AssetPartition partition)
    {
        ArgumentNullException.ThrowIfNull(partition.Asset);
        _pointerWrites.Begin(partition);
    }

    /// <inheritdoc />
    public void EndPointerWrite(AssetPartition partition)
    {
        ArgumentNullException.ThrowIfNull(partition.Asset);
        _pointerWrites.End(partition);
    }

    /// <summary>
    /// Reads how the previous session ended, then records this one as open, committed before the store is handed out:
    /// a pointer this process writes later is always written under an open session record, so if the process dies the
    /// next open reconciles.
    /// </summary>
    private void BeginSession(DuckDBConnection connection)
    {
        var openedBy = $"{Environment.MachineName}:{Path}";
        using (var command = Command(connection, "SELECT opened_by, closed_at FROM store_session WHERE id = 1"))
        using (var reader = command.ExecuteReader())
        {
            // A file copied or moved from elsewhere was closed cleanly there, against whatever root it was used with.
            _previousSessionClosedCleanly = reader.Read() && !reader.IsDBNull(1) && reader.GetString(0) == openedBy;
        }

        _indexReconciled = _previousSessionClosedCleanly;
        Execute(
            connection,
            "INSERT OR REPLACE INTO store_session VALUES (1, $opened, $by, NULL)",
            ("opened", StoredForm.Ticks(_clock.GetCurrentInstant())),
            ("by", openedBy));
    }

    /// <summary>
    /// Called with the lock held, after the pending index writes are committed: records the clean close when the index
    /// is known to agree with the root (see <see cref="IStoreSession"/>); otherwise leaves the session open, as a crash.
    /// </summary>
    private void EndSession(DuckDBConnection connection, IReadOnlyList<AssetPartition> unsettledPointerWrites)
    {
        if (!_indexReconciled || unsettledPointerWrites.Count > 0 || _leases.Count > 0 || AnyPartitionRunning(connection))
        {
            return;
        }

        Execute(connection, "UPDATE store_session SET closed_at = $closed WHERE id = 1", ("closed", StoredForm.Ticks(_clock.GetCurrentInstant())));
        ClosedCleanly = true;
    }

    private static bool AnyPartitionRunning(DuckDBConnection connection)
    {
        using var command = Command(connection, "SELECT EXISTS (SELECT 1 FROM partition_states WHERE status = $running)", ("running", StoredForm.StatusCode(Assets.Metadata.PartitionStatus.Running)));
        return command.ExecuteScalar() is true;
    }
}

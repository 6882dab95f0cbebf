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

    // When this session opened (store_session.opened_at): the name its pointer-write log carries.
    private long _sessionOpenedAt;

    // The previous session's log, read at open when that session closed uncleanly; dropped once this index is reconciled.
    private LoggedPointerWrites? _uncleanCloseLog;

    // This session's log, started once its index agrees with the root (SetReconciledThroughAsync).
    private volatile PointerWriteLogFile? _pointerWriteLog;
    private bool _pointerWriteLogStopped;

    // Whether the index agrees with the root as far as this session knows: it opened after a clean close, or a
    // reconciliation ran in it (SetReconciledThroughAsync). Only such a session may record a clean close.
    private volatile bool _indexReconciled;

    /// <inheritdoc />
    public bool IndexTrustedAfterCleanClose => _previousSessionClosedCleanly && _pointerWrites.Count == 0;

    /// <summary>How long the pointer-write log may grow before a commit that covers every line cuts it back (for tests).</summary>
    internal long PointerWriteLogTrimAfterBytes { get; set; } = PointerWriteLogFile.DefaultTrimAfterBytes;

    /// <summary>Whether the last dispose recorded a clean close (for tests and diagnostics).</summary>
    internal bool ClosedCleanly { get; private set; }

    /// <inheritdoc />
    public LoggedPointerWrites? PointerWritesOfUncleanClose => _uncleanCloseLog;

    /// <inheritdoc />
    public string? PointerWriteLogPath => _pointerWriteLog?.Path;

    /// <inheritdoc />
    public void BeginPointerWrite(AssetPartition partition)
    {
        ArgumentNullException.ThrowIfNull(partition.Asset);
        _pointerWrites.Begin(partition);
        try
        {
            _pointerWriteLog?.Append(partition);
        }
        catch
        {
            // Not logged, so not to be written: the caller sees the error before it touches the pointer.
            _pointerWrites.End(partition);
            throw;
        }
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
        long? uncleanSession = null;
        long previousOpenedAt = 0;
        using (var command = Command(connection, "SELECT opened_at, opened_by, closed_at FROM store_session WHERE id = 1"))
        using (var reader = command.ExecuteReader())
        {
            var found = reader.Read();
            previousOpenedAt = found ? reader.GetInt64(0) : 0;

            // A file copied or moved from elsewhere was closed cleanly there, against whatever root it was used with.
            var here = found && reader.GetString(1) == openedBy;
            _previousSessionClosedCleanly = here && !reader.IsDBNull(2);
            uncleanSession = here && reader.IsDBNull(2) ? previousOpenedAt : null;
        }

        // Only the log of the session that died here counts: one naming an older session (this one's predecessor died
        // before its index was reconciled, so it never started its own) does not cover what that session wrote.
        if (uncleanSession is { } ticks && PointerWriteLogFile.Read(PointerWriteLogFile.PathOf(Path), ticks) is { } logged)
        {
            _uncleanCloseLog = logged with { Running = RunningPartitions(connection) };
        }

        _indexReconciled = _previousSessionClosedCleanly;

        // Each session of the file a different name, also under a clock that stands still or steps back: a log is only
        // ever taken for the session that wrote it.
        _sessionOpenedAt = Math.Max(StoredForm.Ticks(_clock.GetCurrentInstant()), previousOpenedAt + 1);
        Execute(
            connection,
            "INSERT OR REPLACE INTO store_session VALUES (1, $opened, $by, NULL)",
            ("opened", _sessionOpenedAt),
            ("by", openedBy));
    }

    /// <summary>
    /// Called once this session's index agrees with <paramref name="root"/> (its reconciliation is committed): the
    /// previous session's log is covered, and this session's log replaces it. A second root in one session stops the log
    /// (an open after a crash then lists), as one log names the pointers of one root.
    /// </summary>
    private void StartPointerWriteLog(string root)
    {
        _uncleanCloseLog = null;
        if (_pointerWriteLogStopped || _pointerWriteLog?.Root == root)
        {
            return;
        }

        if (_pointerWriteLog is { } other)
        {
            _pointerWriteLog = null;
            _pointerWriteLogStopped = true;
            other.Delete();
            return;
        }

        try
        {
            _pointerWriteLog = PointerWriteLogFile.Start(PointerWriteLogFile.PathOf(Path), _sessionOpenedAt, root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The store works without a log: the log left there names an earlier session, so an open after a crash of
            // this one lists the pointers instead of reading it.
            _pointerWriteLogStopped = true;
        }
    }

    private static List<AssetPartition> RunningPartitions(DuckDBConnection connection)
    {
        using var command = Command(connection, "SELECT asset, partition FROM partition_states WHERE status = $running", ("running", StoredForm.StatusCode(Assets.Metadata.PartitionStatus.Running)));
        using var reader = command.ExecuteReader();
        var running = new List<AssetPartition>();
        while (reader.Read())
        {
            running.Add(new AssetPartition(AssetKey.Parse(reader.GetString(0)), StoredForm.Partition(reader.GetString(1))));
        }

        return running;
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

        // Every line's record is committed and the next open trusts the index: the log has nothing left to tell (and is
        // never read after a clean close, so one that cannot be deleted does no harm).
        try
        {
            _pointerWriteLog?.Delete();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        _pointerWriteLog = null;
    }

    private static bool AnyPartitionRunning(DuckDBConnection connection)
    {
        using var command = Command(connection, "SELECT EXISTS (SELECT 1 FROM partition_states WHERE status = $running)", ("running", StoredForm.StatusCode(Assets.Metadata.PartitionStatus.Running)));
        return command.ExecuteScalar() is true;
    }
}

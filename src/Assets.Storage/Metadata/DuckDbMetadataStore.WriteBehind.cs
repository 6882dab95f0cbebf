using Assets.Graph;
using Assets.Metadata;
using DuckDB.NET.Data;

namespace Assets.Storage.Metadata;

/// <summary>
/// Group commit of index writes (see <see cref="MetadataStoreOptions.IndexWriteDelay"/>): writes wait in
/// <see cref="PendingIndexWrites"/> and one transaction applies them all with appenders and set-based merges,
/// because a DuckDB commit, and a single-row <c>ON CONFLICT</c> upsert, each cost a millisecond or more.
/// </summary>
public sealed partial class DuckDbMetadataStore
{
    // Named, so a column a later migration adds (with a default) does not break the staging table's appender.
    private const string MaterializationColumns =
        "id, asset, partition, run_id, data_version, code_version, row_count, byte_count, manifest_key, created_at, published_at, sequence";

    private readonly PendingIndexWrites _pending = new();

    // The statements of every group commit and of the per-step state read, prepared once per connection.
    private readonly PreparedCommands _prepared = new();

    // Leases live here only, decided under the store's lock: this process is the file's only user, so no other process
    // could read them from the file, and writing them cost every group commit an appender and three statements.
    private readonly Dictionary<(string Asset, string Partition), LeaseRow> _leases = [];

    // The states of partitions this process read or committed, so a step's claim reads its state without a table scan.
    private readonly KnownStates _knownStates = new();
    private MetadataStoreOptions _options = MetadataStoreOptions.Default;
    private bool _flushScheduled;

    /// <summary>How many index writes wait to be committed (for tests and diagnostics).</summary>
    internal int PendingWriteCount => _pending.Count;

    /// <summary>How many single-partition state reads went to the table rather than to what the store knew (for tests).</summary>
    internal int StateReadsFromTable { get; private set; }

    /// <summary>When set, the next commit of pending writes fails with it (for tests of what a failed commit leaves).</summary>
    internal Exception? FailNextCommit { get; set; }

    /// <summary>Commits every pending index write now.</summary>
    public Task FlushAsync(CancellationToken ct = default) => RunAsync(_ => true, ct);

    /// <summary>
    /// Closes the file without committing pending index writes, as a killed process would leave it: for tests of
    /// what reconciliation restores after a crash.
    /// </summary>
    internal async Task SimulateCrashAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _pending.Clear();
            ForgetFlushesBeforeCommit();
            _pointerWriteLog?.Dispose();
            _knownStates.Forget();
            _prepared.Dispose();
            _connection?.Dispose();
            _connection = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="enqueue"/> alone on the store, then commits what is pending when writes may not wait
    /// (no delay, or too many waiting), or else makes sure a commit follows within the delay.
    /// </summary>
    private async Task DeferAsync(Action<PendingIndexWrites> enqueue, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_connection is null, this);
            ct.ThrowIfCancellationRequested();
            enqueue(_pending);
            if (_options.IndexWriteDelay == NodaTime.Duration.Zero || _pending.Count >= _options.MaxPendingWrites)
            {
                CommitPending(_connection);
            }
            else
            {
                ScheduleFlush();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> alone on the connection without committing pending writes first (for reads that consult them).</summary>
    private async Task<T> RunWithoutFlushAsync<T>(Func<DuckDBConnection, T> work, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_connection is null, this);
            ct.ThrowIfCancellationRequested();
            return work(_connection);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Called with the lock held: a commit of what is pending runs after the delay, unless one is already due.</summary>
    private void ScheduleFlush()
    {
        if (_flushScheduled)
        {
            return;
        }

        _flushScheduled = true;
        _ = FlushLaterAsync(_options.IndexWriteDelay.ToTimeSpan());
    }

    private async Task FlushLaterAsync(TimeSpan delay)
    {
        await Task.Delay(delay).ConfigureAwait(false);
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _flushScheduled = false;
            if (_connection is not null)
            {
                CommitPending(_connection);
            }
        }
#pragma warning disable CA1031 // Nobody awaits this commit: the writes stay pending, and the next read, write or dispose commits them or reports the error.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Called with the lock held: flushes the pointer swaps handed in for it (<see cref="IFlushesBeforeCommit"/>), then
    /// applies every pending write in one transaction. On failure nothing is applied, the writes stay pending, and the
    /// error goes to the caller.
    /// </summary>
    private void CommitPending(DuckDBConnection connection)
    {
        // Before anything is committed, and whether or not records wait: a swap is durable before the index records it.
        FlushWhatCommitsNeed();
        if (_pending.Count == 0)
        {
            return;
        }

        if (FailNextCommit is { } failure)
        {
            FailNextCommit = null;
            throw failure;
        }

        // Read before the commit, in this order: when no pointer write is unsettled, every logged line's record is in this
        // commit or an earlier one (a write ends after its records are queued), so the log may be cut once it succeeds.
        var log = _pointerWriteLog;
        var logged = log?.Appended ?? 0;
        var logCovered = log is not null && _pointerWrites.Count == 0;

        // Begun and committed through prepared statements: DuckDB.NET's transaction parses both again at every commit.
        _prepared.Begin(connection);
        try
        {
            if (_pending.States.Count > 0)
            {
                Stage(connection, [.. _pending.States.Values]);
                if (StateMergeStrategy == StateMerge.Upsert)
                {
                    _prepared.Execute(connection, $"INSERT INTO partition_states ({WrittenStateColumns}) SELECT {WrittenStateColumns} FROM staged_states {OnConflictReplaceState}");
                }
                else
                {
                    _prepared.Execute(connection, "DELETE FROM partition_states p USING staged_states s WHERE p.asset = s.asset AND p.partition = s.partition");
                    _prepared.Execute(connection, $"INSERT INTO partition_states ({WrittenStateColumns}) SELECT {WrittenStateColumns} FROM staged_states");
                }

                _prepared.Execute(connection, "DELETE FROM staged_states");
            }

            if (_pending.Materializations.Count > 0)
            {
                ApplyMaterializations(connection, _pending.Materializations.Values);
            }

            if (_pending.Events.Count > 0)
            {
                ApplyEvents(connection, _pending.Events);
            }

            if (_pending.CheckResults.Count > 0)
            {
                ApplyCheckResults(connection, _pending.CheckResults);
            }

            var observationsChanged = _pending.Observations.Count > 0 && ApplyObservations(connection, _pending.Observations);

            // States, materialization records (what each read) and source observations are what the status grid is
            // evaluated from: the status generation moves with them, in this transaction.
            var generation = _pending.States.Count + _pending.Materializations.Count > 0 || observationsChanged ? WriteNextGeneration(connection) : _generation;
            _prepared.Commit(connection);
            _generation = generation;
            if (logCovered)
            {
                log!.TrimIfUnchangedSince(logged, PointerWriteLogTrimAfterBytes);
            }
        }
        catch
        {
            _prepared.RollBackQuietly(connection);
            throw;
        }

        // Committed: the table now holds these rows, times at its precision (what a read of them returns).
        foreach (var (partition, state) in _pending.States)
        {
            _knownStates.Remember(partition, AsStored(state));
        }

        _pending.Clear();
    }

    /// <summary>The state as reading its row gives it back: times in the table's 100 ns ticks.</summary>
    private static PartitionState AsStored(PartitionState state)
    {
        var updatedAt = StoredForm.Instant(StoredForm.Ticks(state.UpdatedAt));
        var publishedAt = state.PublishedAt is { } published ? StoredForm.Instant(StoredForm.Ticks(published)) : (NodaTime.Instant?)null;
        return updatedAt == state.UpdatedAt && publishedAt == state.PublishedAt ? state : state with { UpdatedAt = updatedAt, PublishedAt = publishedAt };
    }

    private void ApplyMaterializations(DuckDBConnection connection, IEnumerable<MaterializationRecord> records)
    {
        using (var appender = connection.CreateAppender("temp", "main", "staged_materializations"))
        {
            foreach (var record in records)
            {
                appender.CreateRow()
                    .AppendValue(record.Id.Value)
                    .AppendValue(record.Partition.Asset.Value)
                    .AppendValue(StoredForm.Partition(record.Partition.Partition))
                    .AppendValue(record.RunId.Value)
                    .AppendValue(record.DataVersion)
                    .AppendValue(record.CodeVersion)
                    .AppendValue((long?)record.Rows)
                    .AppendValue((long?)record.Bytes)
                    .AppendValue(record.ManifestKey)
                    .AppendValue(StoredForm.Ticks(record.CreatedAt))
                    .AppendValue(StoredForm.Ticks(record.PublishedAt))
                    .AppendValue(record.Sequence)
                    .EndRow();
            }
        }

        // asset and partition are not updated: an id is never reused, and they are indexed columns, which
        // DuckDB's ON CONFLICT DO UPDATE cannot assign.
        _prepared.Execute(
            connection,
            $"""
            INSERT INTO materializations ({MaterializationColumns}) SELECT {MaterializationColumns} FROM staged_materializations
            ON CONFLICT (id) DO UPDATE SET
                run_id = excluded.run_id, data_version = excluded.data_version, code_version = excluded.code_version,
                row_count = excluded.row_count, byte_count = excluded.byte_count, manifest_key = excluded.manifest_key,
                created_at = excluded.created_at, published_at = excluded.published_at, sequence = excluded.sequence
            """);
        _prepared.Execute(connection, "DELETE FROM materialization_upstream u USING staged_materializations s WHERE u.materialization_id = s.id");
        using (var appender = connection.CreateAppender("materialization_upstream"))
        {
            foreach (var record in records)
            {
                var ordinal = 0;
                foreach (var upstream in record.Upstream)
                {
                    appender.CreateRow()
                        .AppendValue(record.Id.Value)
                        .AppendValue(ordinal++)
                        .AppendValue(upstream.Asset.Value)
                        .AppendValue(StoredForm.Partition(upstream.Partition))
                        .AppendValue(upstream.DataVersion)
                        .AppendValue(StoredForm.MaterializationKey(record.Id))
                        .EndRow();
                }
            }
        }

        _prepared.Execute(connection, "DELETE FROM staged_materializations");
    }

    private static void ApplyEvents(DuckDBConnection connection, List<(long Seq, RunEvent Event)> events)
    {
        using var appender = connection.CreateAppender("run_events");
        foreach (var (seq, e) in events)
        {
            appender.CreateRow()
                .AppendValue(seq)
                .AppendValue(e.RunId.Value)
                .AppendValue(StoredForm.Ticks(e.At))
                .AppendValue(e.Kind.ToString())
                .AppendValue(e.Partition?.Asset.Value)
                .AppendValue(e.Partition is { } p ? StoredForm.Partition(p.Partition) : null)
                .AppendValue(e.Attempt)
                .AppendValue(e.Message)
                .EndRow();
        }
    }

    /// <summary>Creates the temporary staging tables of group commits.</summary>
    private void InitializeWriteBehind(DuckDBConnection connection, MetadataStoreOptions options)
    {
        _options = options;
        Execute(connection, $"CREATE TEMP TABLE IF NOT EXISTS staged_materializations AS SELECT {MaterializationColumns} FROM materializations LIMIT 0");
    }
}

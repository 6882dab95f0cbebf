using System.Globalization;
using System.Text;
using Assets.Graph;
using Assets.Metadata;
using DuckDB.NET.Data;
using DuckDB.NET.Native;

namespace Assets.Storage.Metadata;

public sealed partial class DuckDbMetadataStore
{
    private const string StateColumns = "asset, partition, status, cause, materialization_id, data_version, code_version, sequence, published_at, updated_at";

    /// <summary>The columns a state is written to: <see cref="StateColumns"/> and the id's key (schema version 9).</summary>
    private const string WrittenStateColumns = StateColumns + ", materialization_key";

    /// <summary>Statuses that describe an attempt rather than the pointer: reconciliation keeps them.</summary>
    private static readonly string AttemptStatuses = string.Join(
        ", ",
        new[] { PartitionStatus.Running, PartitionStatus.Waiting, PartitionStatus.Failed, PartitionStatus.Quarantined }
            .Select(s => StoredForm.StatusCode(s).ToString(CultureInfo.InvariantCulture)));

    private static readonly string PointerStatuses = string.Join(
        ", ",
        new[] { PartitionStatus.Published, PartitionStatus.Stale }.Select(s => StoredForm.StatusCode(s).ToString(CultureInfo.InvariantCulture)));

    /// <summary>How <see cref="SetStatesAsync"/> merges staged rows (both are kept so the benchmark can compare them).</summary>
    internal enum StateMerge
    {
        /// <summary><c>INSERT ... SELECT ... ON CONFLICT DO UPDATE</c>.</summary>
        Upsert,

        /// <summary><c>DELETE</c> the staged keys, then <c>INSERT ... SELECT</c>.</summary>
        DeleteThenInsert,
    }

    /// <summary>The merge <see cref="SetStatesAsync"/> uses for more than one row.</summary>
    internal StateMerge StateMergeStrategy { get; set; } = StateMerge.Upsert;

    /// <inheritdoc />
    /// <remarks>
    /// Committed with the next group of index writes (see <see cref="MetadataStoreOptions.IndexWriteDelay"/>), in
    /// one transaction with them; more rows than <see cref="MetadataStoreOptions.MaxPendingWrites"/> are committed
    /// before this returns.
    /// </remarks>
    public Task SetStatesAsync(IReadOnlyList<PartitionState> states, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(states);
        if (states.Count == 0)
        {
            return Task.CompletedTask;
        }

        var rows = StateRows.LastPerPartition(states, nameof(states));
        return DeferAsync(
            pending =>
            {
                foreach (var row in rows)
                {
                    pending.States[row.Partition] = row;
                }
            },
            ct);
    }

    /// <inheritdoc />
    public Task<PartitionState?> GetStateAsync(AssetPartition partition, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(partition.Asset);
        // A pending write of this partition is its state; pending writes of others cannot change this row, so
        // they need not be committed first.
        return RunWithoutFlushAsync(
            connection =>
            {
                if (_pending.States.TryGetValue(partition, out var pending))
                {
                    return pending;
                }

                // Run on every claim of a step: from memory once known (KnownStates says why), else through a statement
                // prepared once (DuckDB.NET's reader would parse it again).
                if (_knownStates.TryGet(partition, out var known))
                {
                    return known;
                }

                StateReadsFromTable++;
                if (_knownStates.IsLarge(partition.Asset))
                {
                    // Too many rows to keep whole: making all of them each time would cost more than the scan.
                    var state = _prepared.Query(
                        connection,
                        $"SELECT {StateColumns} FROM partition_states WHERE asset = $asset AND partition = $partition",
                        (ref DuckDBResult result) => NativeResult.RowCount(ref result) == 0 ? null : ReadStateColumns(ref result, partition, 0),
                        ("asset", partition.Asset.Value),
                        ("partition", StoredForm.Partition(partition.Partition)));
                    _knownStates.Remember(partition, state);
                    return state;
                }

                // One scan for all of the asset's rows costs about what the scan for one row did.
                var rows = _prepared.Query(
                    connection,
                    $"SELECT {StateColumns} FROM partition_states WHERE asset = $asset",
                    (ref DuckDBResult result) => ReadStatesOf(ref result, partition.Asset),
                    ("asset", partition.Asset.Value));
                _knownStates.RememberAsset(partition.Asset, rows);
                return rows.FirstOrDefault(s => s.Partition == partition);
            },
            ct);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<PartitionState>> GetStatesAsync(IReadOnlyCollection<AssetKey>? assets = null, CancellationToken ct = default)
    {
        if (assets is { Count: 0 })
        {
            return Task.FromResult<IReadOnlyList<PartitionState>>([]);
        }

        return RunAsync<IReadOnlyList<PartitionState>>(connection => ReadStates(connection, assets), ct);
    }

    /// <inheritdoc />
    public Task ReplacePublishedStatesAsync(IReadOnlyList<PartitionState> published, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(published);
        var rows = StateRows.Reconciled(published, nameof(published));
        return RunStatusTransactionAsync(
            connection =>
            {
                // Rows are rewritten by set-based statements below, whichever way the transaction ends.
                _knownStates.Forget();
                // Rows changed by the four statements: reconciling an up-to-date store changes none, and then leaves the
                // status generation (and so the kept status grid) as it is.
                var changed = 0;
                var now = StoredForm.Ticks(_clock.GetCurrentInstant());
                Execute(connection, "DELETE FROM staged_states");
                Stage(connection, rows);
                const string NotStaged = "NOT EXISTS (SELECT 1 FROM staged_states s WHERE s.asset = partition_states.asset AND s.partition = partition_states.partition)";
                const string NoVersion = "materialization_id = NULL, materialization_key = NULL, data_version = NULL, code_version = NULL, sequence = NULL, published_at = NULL";

                // Pointers that vanished: their published partitions are missing again.
                changed += ExecuteCounting(
                    connection,
                    $"UPDATE partition_states SET status = $missing, cause = $cause, {NoVersion}, updated_at = $now WHERE status IN ({PointerStatuses}) AND {NotStaged}",
                    ("missing", StoredForm.StatusCode(PartitionStatus.Missing)),
                    ("cause", "Its published pointer no longer exists under the root, so nothing is published (found when reconciling with the pointers)."),
                    ("now", now));

                // An attempt's status stays what it is, but what readers get is what the pointers say. Rows that
                // already say what their pointer says are left alone (keeping their update time), so reconciling an
                // up-to-date store writes nothing.
                changed += ExecuteCounting(
                    connection,
                    $"UPDATE partition_states SET {NoVersion}, updated_at = $now WHERE status IN ({AttemptStatuses}) AND materialization_id IS NOT NULL AND {NotStaged}",
                    ("now", now));
                changed += ExecuteCounting(
                    connection,
                    $"""
                    UPDATE partition_states SET
                        materialization_id = s.materialization_id, materialization_key = s.materialization_key, data_version = s.data_version,
                        code_version = s.code_version, sequence = s.sequence, published_at = s.published_at
                    FROM staged_states s
                    WHERE s.asset = partition_states.asset AND s.partition = partition_states.partition AND partition_states.status IN ({AttemptStatuses})
                        AND (partition_states.materialization_id, partition_states.data_version, partition_states.code_version, partition_states.sequence, partition_states.published_at)
                            IS DISTINCT FROM (s.materialization_id, s.data_version, s.code_version, s.sequence, s.published_at)
                    """);
                changed += ExecuteCounting(
                    connection,
                    $"""
                    INSERT INTO partition_states ({WrittenStateColumns}) SELECT {WrittenStateColumns} FROM staged_states s
                    WHERE NOT EXISTS (
                        SELECT 1 FROM partition_states p
                        WHERE p.asset = s.asset AND p.partition = s.partition
                            AND (p.status IN ({AttemptStatuses})
                                OR (p.status, p.cause, p.materialization_id, p.data_version, p.code_version, p.sequence, p.published_at)
                                    IS NOT DISTINCT FROM (s.status, s.cause, s.materialization_id, s.data_version, s.code_version, s.sequence, s.published_at)))
                    {OnConflictReplaceState}
                    """);
                Execute(connection, "DELETE FROM staged_states");
                return changed > 0;
            },
            ct);
    }

    private const string OnConflictReplaceState = """
        ON CONFLICT (asset, partition) DO UPDATE SET
            status = excluded.status, cause = excluded.cause, materialization_id = excluded.materialization_id,
            materialization_key = excluded.materialization_key, data_version = excluded.data_version, code_version = excluded.code_version, sequence = excluded.sequence,
            published_at = excluded.published_at, updated_at = excluded.updated_at
        """;

    /// <summary>Appends rows to the connection's temporary <c>staged_states</c> table (which must be empty), in <see cref="WrittenStateColumns"/>' order.</summary>
    private static void Stage(DuckDBConnection connection, IReadOnlyList<PartitionState> rows)
    {
        using var appender = connection.CreateAppender("temp", "main", "staged_states");
        foreach (var state in rows)
        {
            appender.CreateRow()
                .AppendValue(state.Partition.Asset.Value)
                .AppendValue(StoredForm.Partition(state.Partition.Partition))
                .AppendValue((byte?)StoredForm.StatusCode(state.Status))
                .AppendValue(state.Cause)
                .AppendValue(state.MaterializationId?.Value)
                .AppendValue(state.DataVersion)
                .AppendValue(state.CodeVersion)
                .AppendValue(state.Sequence)
                .AppendValue(StoredForm.Ticks(state.PublishedAt))
                .AppendValue(StoredForm.Ticks(state.UpdatedAt))
                .AppendValue(StoredForm.MaterializationKey(state.MaterializationId))
                .EndRow();
        }
    }

    /// <summary>
    /// Reads the grid fast: sorting 700k wide rows in DuckDB and decoding each row's asset and partition text
    /// cost more than everything else, so the distinct assets and partitions (a few thousand) are read once,
    /// in order, and the rows carry only their ranks, which order them in memory.
    /// </summary>
    private static PartitionState[] ReadStates(DuckDBConnection connection, IReadOnlyCollection<AssetKey>? assets)
    {
        var filter = new StringBuilder();
        var parameters = new List<(string, object?)>();
        if (assets is not null)
        {
            filter.Append(" WHERE asset IN (");
            foreach (var asset in assets.Distinct())
            {
                ArgumentNullException.ThrowIfNull(asset, nameof(assets));
                var name = "a" + parameters.Count.ToString(CultureInfo.InvariantCulture);
                filter.Append(parameters.Count == 0 ? "$" : ", $").Append(name);
                parameters.Add((name, asset.Value));
            }

            filter.Append(')');
        }

        var assetKeys = ReadDistinct(connection, "asset", filter, parameters, AssetKey.Parse);
        var partitionKeys = ReadDistinct(connection, "partition", filter, parameters, StoredForm.Partition);
        using var command = Command(
            connection,
            $"""
            WITH selected AS (SELECT * FROM partition_states{filter}),
                 assets AS (SELECT asset, (row_number() OVER (ORDER BY asset) - 1)::INTEGER AS asset_rank FROM (SELECT DISTINCT asset FROM selected)),
                 partitions AS (SELECT partition, (row_number() OVER (ORDER BY partition) - 1)::INTEGER AS partition_rank FROM (SELECT DISTINCT partition FROM selected))
            SELECT assets.asset_rank, partitions.partition_rank, status, cause, materialization_id, data_version, code_version, sequence, published_at, updated_at
            FROM selected JOIN assets USING (asset) JOIN partitions USING (partition)
            """,
            [.. parameters]);
        command.UseStreamingMode = true;
        using var reader = command.ExecuteReader();
        var order = new List<long>();
        var states = new List<PartitionState>();
        while (reader.Read())
        {
            var assetRank = reader.GetInt32(0);
            var partitionRank = reader.GetInt32(1);
            order.Add(((long)assetRank << 32) | (uint)partitionRank);
            states.Add(ReadStateColumns(reader, new AssetPartition(assetKeys[assetRank], partitionKeys[partitionRank])));
        }

        var keys = order.ToArray();
        var sorted = states.ToArray();
        Array.Sort(keys, sorted);
        return sorted;
    }

    /// <summary>The distinct values of a column among the selected rows, in DuckDB's (byte-wise) order: index = rank.</summary>
    private static List<T> ReadDistinct<T>(DuckDBConnection connection, string column, StringBuilder filter, List<(string, object?)> parameters, Func<string, T> parse)
    {
        using var command = Command(connection, $"SELECT DISTINCT {column} FROM partition_states{filter} ORDER BY {column}", [.. parameters]);
        using var reader = command.ExecuteReader();
        var values = new List<T>();
        while (reader.Read())
        {
            values.Add(parse(reader.GetString(0)));
        }

        return values;
    }

    /// <summary>Reads <see cref="StateColumns"/> rows, sharing asset keys and partition keys between rows.</summary>
    private sealed class StateReader
    {
        private readonly AssetPartitionCache _keys = new();

        public PartitionState Read(DuckDBDataReader reader) => ReadStateColumns(reader, _keys.Get(reader.GetString(0), reader.GetString(1)));
    }

    /// <summary>Every row of <paramref name="result"/> (columns as <see cref="StateColumns"/>), all of <paramref name="asset"/>.</summary>
    private static PartitionState[] ReadStatesOf(ref DuckDBResult result, AssetKey asset)
    {
        var states = new PartitionState[NativeResult.RowCount(ref result)];
        for (var row = 0; row < states.Length; row++)
        {
            var partition = StoredForm.Partition(NativeResult.GetString(ref result, 1, row)!);
            states[row] = ReadStateColumns(ref result, new AssetPartition(asset, partition), row);
        }

        return states;
    }

    /// <summary>The state in row <paramref name="row"/> of <paramref name="result"/> (columns as <see cref="StateColumns"/>), of <paramref name="partition"/>.</summary>
    private static PartitionState ReadStateColumns(ref DuckDBResult result, AssetPartition partition, long row)
        => new(
            partition,
            StoredForm.Status(checked((byte)NativeResult.GetInt64(ref result, 2, row)!.Value)),
            NativeResult.GetString(ref result, 3, row),
            NativeResult.GetString(ref result, 4, row) is { } id ? MaterializationId.Parse(id) : null,
            NativeResult.GetString(ref result, 5, row),
            NativeResult.GetString(ref result, 6, row),
            NativeResult.GetInt64(ref result, 7, row),
            NativeResult.GetInt64(ref result, 8, row) is { } published ? StoredForm.Instant(published) : null,
            StoredForm.Instant(NativeResult.GetInt64(ref result, 9, row)!.Value));

    /// <summary>A state from columns 2 to 9 of a row (status through updated_at); the caller has read the partition.</summary>
    private static PartitionState ReadStateColumns(DuckDBDataReader reader, AssetPartition partition)
        => new(
            partition,
            StoredForm.Status(reader.GetByte(2)),
            NullableString(reader, 3),
            reader.IsDBNull(4) ? null : MaterializationId.Parse(reader.GetString(4)),
            NullableString(reader, 5),
            NullableString(reader, 6),
            NullableInt64(reader, 7),
            NullableInt64(reader, 8) is { } published ? StoredForm.Instant(published) : null,
            StoredForm.Instant(reader.GetInt64(9)));
}

using System.Globalization;
using Assets.Graph;
using Assets.Metadata;
using Npgsql;

namespace Assets.Storage.Metadata.Postgres;

public sealed partial class PostgresMetadataStore
{
    private const string StateColumns = "asset, partition, status, cause, materialization_id, data_version, code_version, sequence, published_at, updated_at";

    /// <summary>Rows per statement when states are written in bulk: large enough to amortize round trips, small enough to keep each message modest.</summary>
    private const int StatesPerStatement = 50_000;

    private const string StateArrays = """
        unnest(@asset::text[], @partition::text[], @status::smallint[], @cause::text[], @materialization::text[], @data::text[],
               @code::text[], @sequence::bigint[], @published::bigint[], @updated::bigint[])
        """;

    private const string OnConflictReplaceState = """
        ON CONFLICT (asset, partition) DO UPDATE SET
            status = excluded.status, cause = excluded.cause, materialization_id = excluded.materialization_id,
            data_version = excluded.data_version, code_version = excluded.code_version, sequence = excluded.sequence,
            published_at = excluded.published_at, updated_at = excluded.updated_at
        """;

    /// <summary>Statuses that describe an attempt rather than the pointer: reconciliation keeps them.</summary>
    private static readonly string AttemptStatuses = string.Join(
        ", ",
        new[] { PartitionStatus.Running, PartitionStatus.Waiting, PartitionStatus.Failed, PartitionStatus.Quarantined }
            .Select(s => StoredForm.StatusCode(s).ToString(CultureInfo.InvariantCulture)));

    private static readonly string PointerStatuses = string.Join(
        ", ",
        new[] { PartitionStatus.Published, PartitionStatus.Stale }.Select(s => StoredForm.StatusCode(s).ToString(CultureInfo.InvariantCulture)));

    /// <inheritdoc />
    /// <remarks>Committed before it returns, in one transaction.</remarks>
    public Task SetStatesAsync(IReadOnlyList<PartitionState> states, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(states);
        if (states.Count == 0)
        {
            return Task.CompletedTask;
        }

        var rows = StateRows.LastPerPartition(states, nameof(states));
        return RunInTransactionAsync(connection => UpsertStatesAsync(connection, rows, ct), ct);
    }

    /// <inheritdoc />
    public Task<PartitionState?> GetStateAsync(AssetPartition partition, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(partition.Asset);
        return RunAsync(
            async connection =>
            {
                await using var command = Command(
                    connection,
                    $"SELECT {StateColumns} FROM partition_states WHERE asset = @asset AND partition = @partition",
                    ("asset", partition.Asset.Value),
                    ("partition", StoredForm.Partition(partition.Partition)));
                var rows = await ReadAllAsync(command, new StateReader().Read, ct).ConfigureAwait(false);
                return rows.Count == 0 ? null : rows[0];
            },
            ct);
    }

    /// <inheritdoc />
    /// <remarks>The primary key's "C" collation gives the ordinal order, so the rows stream in key order off the index.</remarks>
    public Task<IReadOnlyList<PartitionState>> GetStatesAsync(IReadOnlyCollection<AssetKey>? assets = null, CancellationToken ct = default)
    {
        if (assets is { Count: 0 })
        {
            return Task.FromResult<IReadOnlyList<PartitionState>>([]);
        }

        return RunAsync<IReadOnlyList<PartitionState>>(
            async connection =>
            {
                await using var command = Command(
                    connection,
                    $"SELECT {StateColumns} FROM partition_states WHERE @assets::text[] IS NULL OR asset = ANY(@assets::text[]) ORDER BY asset, partition",
                    ("assets", AssetNames(assets)));
                return await ReadAllAsync(command, new StateReader().Read, ct).ConfigureAwait(false);
            },
            ct);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Reconciliations by several processes at once take turns (a transaction-scoped advisory lock), so each one's
    /// view of the pointers is applied whole; writes of running steps in between are not blocked.
    /// </remarks>
    public Task ReplacePublishedStatesAsync(IReadOnlyList<PartitionState> published, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(published);
        var rows = StateRows.Reconciled(published, nameof(published));
        return RunInTransactionAsync(
            async connection =>
            {
                var now = StoredForm.Ticks(_clock.GetCurrentInstant());
                await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtextextended('assets:reconcile:' || current_schema(), 0))", ct).ConfigureAwait(false);
                await ExecuteAsync(connection, "CREATE TEMP TABLE staged_states (LIKE partition_states INCLUDING INDEXES) ON COMMIT DROP", ct).ConfigureAwait(false);
                for (var start = 0; start < rows.Count; start += StatesPerStatement)
                {
                    await using var stage = StateCommand(connection, $"INSERT INTO staged_states SELECT * FROM {StateArrays}", rows, start, Math.Min(StatesPerStatement, rows.Count - start));
                    await stage.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                await ExecuteAsync(connection, "ANALYZE staged_states", ct).ConfigureAwait(false);
                const string NotStaged = "NOT EXISTS (SELECT 1 FROM staged_states s WHERE s.asset = p.asset AND s.partition = p.partition)";
                const string NoVersion = "materialization_id = NULL, data_version = NULL, code_version = NULL, sequence = NULL, published_at = NULL";

                // Pointers that vanished: their published partitions are missing again.
                await ExecuteAsync(
                    connection,
                    $"UPDATE partition_states p SET status = @missing, cause = @cause, {NoVersion}, updated_at = @now WHERE status IN ({PointerStatuses}) AND {NotStaged}",
                    ct,
                    ("missing", (short)StoredForm.StatusCode(PartitionStatus.Missing)),
                    ("cause", "Its published pointer no longer exists under the root, so nothing is published (found when reconciling with the pointers)."),
                    ("now", now)).ConfigureAwait(false);

                // An attempt's status stays what it is, but what readers get is what the pointers say. Rows that already
                // say what their pointer says are left alone (keeping their update time), so reconciling an up-to-date
                // store writes nothing.
                await ExecuteAsync(
                    connection,
                    $"UPDATE partition_states p SET {NoVersion}, updated_at = @now WHERE status IN ({AttemptStatuses}) AND materialization_id IS NOT NULL AND {NotStaged}",
                    ct,
                    ("now", now)).ConfigureAwait(false);
                await ExecuteAsync(
                    connection,
                    $"""
                    UPDATE partition_states p SET
                        materialization_id = s.materialization_id, data_version = s.data_version, code_version = s.code_version,
                        sequence = s.sequence, published_at = s.published_at
                    FROM staged_states s
                    WHERE s.asset = p.asset AND s.partition = p.partition AND p.status IN ({AttemptStatuses})
                        AND (p.materialization_id, p.data_version, p.code_version, p.sequence, p.published_at)
                            IS DISTINCT FROM (s.materialization_id, s.data_version, s.code_version, s.sequence, s.published_at)
                    """,
                    ct).ConfigureAwait(false);
                await ExecuteAsync(
                    connection,
                    $"""
                    INSERT INTO partition_states SELECT {StateColumns} FROM staged_states s
                    WHERE NOT EXISTS (
                        SELECT 1 FROM partition_states p
                        WHERE p.asset = s.asset AND p.partition = s.partition
                            AND (p.status IN ({AttemptStatuses})
                                OR (p.status, p.cause, p.materialization_id, p.data_version, p.code_version, p.sequence, p.published_at)
                                    IS NOT DISTINCT FROM (s.status, s.cause, s.materialization_id, s.data_version, s.code_version, s.sequence, s.published_at)))
                    {OnConflictReplaceState}
                    """,
                    ct).ConfigureAwait(false);
            },
            ct);
    }

    /// <summary>Upserts states with one key each, on the caller's connection (and transaction).</summary>
    private static async Task UpsertStatesAsync(NpgsqlConnection connection, List<PartitionState> rows, CancellationToken ct)
    {
        for (var start = 0; start < rows.Count; start += StatesPerStatement)
        {
            await using var command = StateCommand(
                connection,
                $"INSERT INTO partition_states SELECT * FROM {StateArrays} {OnConflictReplaceState}",
                rows,
                start,
                Math.Min(StatesPerStatement, rows.Count - start));
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>A command over <see cref="StateArrays"/> holding rows [start, start + count).</summary>
    private static NpgsqlCommand StateCommand(NpgsqlConnection connection, string sql, List<PartitionState> rows, int start, int count)
    {
        var slice = Enumerable.Range(start, count).Select(i => rows[i]).ToArray();
        return Command(
            connection,
            sql,
            ("asset", slice.Select(s => s.Partition.Asset.Value).ToArray()),
            ("partition", slice.Select(s => StoredForm.Partition(s.Partition.Partition)).ToArray()),
            ("status", slice.Select(s => (short)StoredForm.StatusCode(s.Status)).ToArray()),
            ("cause", slice.Select(s => s.Cause).ToArray()),
            ("materialization", slice.Select(s => s.MaterializationId?.Value).ToArray()),
            ("data", slice.Select(s => s.DataVersion).ToArray()),
            ("code", slice.Select(s => s.CodeVersion).ToArray()),
            ("sequence", slice.Select(s => s.Sequence).ToArray()),
            ("published", slice.Select(s => StoredForm.Ticks(s.PublishedAt)).ToArray()),
            ("updated", slice.Select(s => StoredForm.Ticks(s.UpdatedAt)).ToArray()));
    }

    /// <summary>Reads <see cref="StateColumns"/> rows, sharing asset keys and partition keys between rows.</summary>
    private sealed class StateReader
    {
        private readonly AssetPartitionCache _keys = new();

        public PartitionState Read(NpgsqlDataReader reader)
        {
            return new PartitionState(
                _keys.Get(reader.GetString(0), reader.GetString(1)),
                StoredForm.Status(checked((byte)reader.GetInt16(2))),
                NullableString(reader, 3),
                reader.IsDBNull(4) ? null : MaterializationId.Parse(reader.GetString(4)),
                NullableString(reader, 5),
                NullableString(reader, 6),
                NullableInt64(reader, 7),
                NullableInt64(reader, 8) is { } published ? StoredForm.Instant(published) : null,
                StoredForm.Instant(reader.GetInt64(9)));
        }
    }
}

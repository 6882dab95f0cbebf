using Npgsql;

namespace Assets.Storage.Metadata.Postgres;

/// <summary>
/// The tables of the PostgreSQL metadata store and the forward-only migrations that build them. They hold what the
/// DuckDB store's tables hold (see <see cref="MetadataSchema"/>), in the same encodings (<see cref="StoredForm"/>:
/// instants as BIGINT 100 ns ticks, so an instant reads back exactly; statuses as small integers; '' for an
/// unpartitioned asset), with what many processes sharing one database need besides: event and check result order
/// from identity columns, and leases that keep their fencing epoch when released. Key columns use the "C" collation,
/// so the primary keys' order is the byte-wise order the status grid is read in.
/// <para>
/// The schema's version is the highest row of <c>schema_version</c>. Many processes may open the store at once, so
/// the check and the migrations run in one transaction under a transaction-scoped advisory lock of the schema: the
/// first opener migrates, the others wait and then find the work done. A database written by a newer Assets is
/// refused. Migrations are append-only: never edit a shipped one.
/// </para>
/// </summary>
internal static class PostgresSchema
{
    /// <summary>Version 1: everything the DuckDB store had at its version 4, plus lease epochs.</summary>
    private const string Version1 = """
        CREATE TABLE run_events (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- append order
            run_id TEXT NOT NULL,
            occurred_at BIGINT NOT NULL,      -- unix ticks
            kind TEXT NOT NULL,               -- RunEventKind name
            asset TEXT COLLATE "C",           -- NULL for a run-level event
            partition TEXT COLLATE "C",       -- '' when unpartitioned, NULL for a run-level event
            attempt INTEGER,
            message TEXT
        );
        CREATE INDEX run_events_by_time ON run_events (occurred_at DESC, seq DESC);
        CREATE INDEX run_events_by_run ON run_events (run_id);
        CREATE INDEX run_events_by_partition ON run_events (asset, partition);

        CREATE TABLE leases (
            asset TEXT COLLATE "C" NOT NULL,
            partition TEXT COLLATE "C" NOT NULL,
            holder TEXT,                      -- run id; NULL once released (the row keeps the epoch)
            epoch BIGINT NOT NULL,            -- grows by one each time the lease changes hands: the fencing token
            acquired_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            PRIMARY KEY (asset, partition)
        );

        CREATE TABLE materializations (
            id TEXT NOT NULL PRIMARY KEY,
            asset TEXT COLLATE "C" NOT NULL,
            partition TEXT COLLATE "C" NOT NULL,
            run_id TEXT NOT NULL,
            data_version TEXT NOT NULL,
            code_version TEXT NOT NULL,
            row_count BIGINT NOT NULL,
            byte_count BIGINT NOT NULL,
            manifest_key TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            published_at BIGINT,
            sequence BIGINT
        );
        CREATE INDEX materializations_by_partition ON materializations (asset, partition);

        CREATE TABLE materialization_upstream (
            materialization_id TEXT NOT NULL,
            ordinal INTEGER NOT NULL,
            asset TEXT COLLATE "C" NOT NULL,
            partition TEXT COLLATE "C" NOT NULL,
            data_version TEXT NOT NULL,
            PRIMARY KEY (materialization_id, ordinal)
        );

        CREATE TABLE partition_states (
            asset TEXT COLLATE "C" NOT NULL,
            partition TEXT COLLATE "C" NOT NULL,
            status SMALLINT NOT NULL,         -- StoredForm.StatusCode
            cause TEXT,
            materialization_id TEXT,
            data_version TEXT,
            code_version TEXT,
            sequence BIGINT,
            published_at BIGINT,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (asset, partition)
        );
        CREATE INDEX partition_states_by_materialization ON partition_states (materialization_id);
        CREATE INDEX partition_states_running ON partition_states (asset, partition) WHERE status = 1;  -- settling abandoned attempts

        CREATE TABLE check_results (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- append order: the tie-break among equal times
            asset TEXT COLLATE "C" NOT NULL,
            partition TEXT COLLATE "C" NOT NULL,
            materialization_id TEXT NOT NULL,
            check_name TEXT NOT NULL,
            passed BOOLEAN NOT NULL,
            blocking BOOLEAN NOT NULL,
            description TEXT,
            evaluated_at BIGINT NOT NULL
        );
        CREATE INDEX check_results_by_partition ON check_results (asset, partition);

        CREATE TABLE backfills (
            id TEXT NOT NULL PRIMARY KEY,
            selection TEXT NOT NULL,
            range_from TEXT,
            range_to TEXT,
            partitions TEXT,                  -- JSON array of named partition keys, NULL unless named
            reprocess TEXT NOT NULL,
            step_order TEXT NOT NULL,
            max_concurrency INTEGER NOT NULL,
            max_partitions_per_run INTEGER NOT NULL,
            status TEXT NOT NULL,
            owner_pid INTEGER,
            owner_started_at BIGINT,
            message TEXT,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        );

        CREATE TABLE backfill_steps (
            backfill_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            asset TEXT COLLATE "C" NOT NULL,
            partition TEXT COLLATE "C" NOT NULL,
            chunk INTEGER NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            error TEXT,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (backfill_id, asset, partition)
        );

        CREATE TABLE automation_cursors (
            asset TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            cursor_at BIGINT NOT NULL
        );

        CREATE TABLE source_observations (
            asset TEXT COLLATE "C" NOT NULL,
            partition TEXT COLLATE "C" NOT NULL,
            arrived BOOLEAN NOT NULL,
            version TEXT,
            description TEXT NOT NULL,
            observed_at BIGINT NOT NULL,
            PRIMARY KEY (asset, partition)
        );
        """;

    /// <summary>Every migration, in order; index i builds version i + 1. Append only: never edit a shipped one.</summary>
    private static readonly string[] Migrations = [Version1, PostgresStepQueueSchema.Version2];

    /// <summary>The version this build writes.</summary>
    public static int CurrentVersion => Migrations.Length;

    /// <summary>Brings the schema up to <see cref="CurrentVersion"/> under the migration lock; returns the version it had before.</summary>
    public static async Task<int> MigrateAsync(NpgsqlConnection connection, long nowTicks, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtextextended('assets:migrate:' || current_schema(), 0))", ct).ConfigureAwait(false);
        await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at BIGINT NOT NULL)", ct).ConfigureAwait(false);
        var found = await ReadVersionAsync(connection, ct).ConfigureAwait(false);
        if (found > CurrentVersion)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL metadata store (database '{connection.Database}') has schema version {found}, written by a newer Assets; "
                + $"this one knows versions up to {CurrentVersion}. Upgrade Assets on every machine that uses it, or point Assets:Metadata at another database.");
        }

        for (var version = found + 1; version <= CurrentVersion; version++)
        {
            await ExecuteAsync(connection, Migrations[version - 1], ct).ConfigureAwait(false);
            await using var record = new NpgsqlCommand("INSERT INTO schema_version VALUES (@version, @at)", connection);
            record.Parameters.AddWithValue("version", version);
            record.Parameters.AddWithValue("at", nowTicks);
            await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return found;
    }

    public static async Task<int> ReadVersionAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM schema_version", connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}

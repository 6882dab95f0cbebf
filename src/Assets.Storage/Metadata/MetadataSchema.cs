using DuckDB.NET.Data;

namespace Assets.Storage.Metadata;

/// <summary>
/// The tables of the DuckDB metadata store and the forward-only migrations that build them. The file's
/// version is the highest row of <c>schema_version</c>; opening applies every later migration in order,
/// each in its own transaction with the row that records it, so a crash leaves the file at a whole
/// version. A file written by a newer Assets (a version this build does not know) is refused rather than
/// guessed at. Value encodings are described on <see cref="StoredForm"/>.
/// </summary>
internal static class MetadataSchema
{
    /// <summary>Version 1: events, leases, materializations, partition states, check results, backfills.</summary>
    private const string Version1 = """
        CREATE TABLE IF NOT EXISTS run_events (
            seq BIGINT NOT NULL,              -- append order, assigned by the store
            run_id VARCHAR NOT NULL,
            occurred_at BIGINT NOT NULL,      -- unix ticks
            kind VARCHAR NOT NULL,            -- RunEventKind name
            asset VARCHAR,                    -- NULL for a run-level event
            partition VARCHAR,                -- '' when unpartitioned, NULL for a run-level event
            attempt INTEGER,
            message VARCHAR
        );

        CREATE TABLE IF NOT EXISTS leases (
            asset VARCHAR NOT NULL,
            partition VARCHAR NOT NULL,
            holder VARCHAR NOT NULL,          -- run id
            acquired_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            PRIMARY KEY (asset, partition)
        );

        CREATE TABLE IF NOT EXISTS materializations (
            id VARCHAR NOT NULL PRIMARY KEY,
            asset VARCHAR NOT NULL,
            partition VARCHAR NOT NULL,
            run_id VARCHAR NOT NULL,
            data_version VARCHAR NOT NULL,
            code_version VARCHAR NOT NULL,
            row_count BIGINT NOT NULL,
            byte_count BIGINT NOT NULL,
            manifest_key VARCHAR NOT NULL,
            created_at BIGINT NOT NULL,
            published_at BIGINT,
            sequence BIGINT
        );
        CREATE INDEX IF NOT EXISTS materializations_by_partition ON materializations (asset, partition);

        CREATE TABLE IF NOT EXISTS materialization_upstream (
            materialization_id VARCHAR NOT NULL,
            ordinal INTEGER NOT NULL,
            asset VARCHAR NOT NULL,
            partition VARCHAR NOT NULL,
            data_version VARCHAR NOT NULL,
            PRIMARY KEY (materialization_id, ordinal)
        );

        CREATE TABLE IF NOT EXISTS partition_states (
            asset VARCHAR NOT NULL,
            partition VARCHAR NOT NULL,
            status UTINYINT NOT NULL,         -- StoredForm.StatusCode
            cause VARCHAR,
            materialization_id VARCHAR,
            data_version VARCHAR,
            code_version VARCHAR,
            sequence BIGINT,
            published_at BIGINT,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (asset, partition)
        );

        CREATE TABLE IF NOT EXISTS check_results (
            asset VARCHAR NOT NULL,
            partition VARCHAR NOT NULL,
            materialization_id VARCHAR NOT NULL,
            check_name VARCHAR NOT NULL,
            passed BOOLEAN NOT NULL,
            blocking BOOLEAN NOT NULL,
            description VARCHAR,
            evaluated_at BIGINT NOT NULL
        );

        CREATE TABLE IF NOT EXISTS backfills (
            id VARCHAR NOT NULL PRIMARY KEY,
            selection VARCHAR NOT NULL,
            range_from VARCHAR,               -- inclusive partition keys, NULL when not a range
            range_to VARCHAR,
            partitions VARCHAR[],             -- explicit partition keys, NULL when a range or everything
            reprocess VARCHAR NOT NULL,       -- 'missing_or_stale' | 'force'
            step_order VARCHAR NOT NULL,      -- 'newest_first' | 'oldest_first'
            max_concurrency INTEGER NOT NULL,
            status VARCHAR NOT NULL,          -- requested | running | interrupted | cancelled | failed | completed
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        );

        CREATE TABLE IF NOT EXISTS backfill_steps (
            backfill_id VARCHAR NOT NULL,
            asset VARCHAR NOT NULL,
            partition VARCHAR NOT NULL,
            state VARCHAR NOT NULL,
            attempts INTEGER NOT NULL,
            error VARCHAR,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (backfill_id, asset, partition)
        );
        """;

    /// <summary>
    /// Version 2: backfills as they are run. Version 1's backfill tables were never written to, so they are replaced:
    /// requests gain the run policy, the owning process and a message; steps gain their order and run chunk.
    /// </summary>
    private const string Version2 = """
        DROP TABLE IF EXISTS backfill_steps;
        DROP TABLE IF EXISTS backfills;

        CREATE TABLE backfills (
            id VARCHAR NOT NULL PRIMARY KEY,
            selection VARCHAR NOT NULL,
            range_from VARCHAR,               -- inclusive time keys; NULL for an open end
            range_to VARCHAR,
            partitions VARCHAR,               -- JSON array of named partition keys, NULL unless named
            reprocess VARCHAR NOT NULL,       -- missing-or-stale | missing | failed-and-missing | all
            step_order VARCHAR NOT NULL,      -- newest-first | oldest-first
            max_concurrency INTEGER NOT NULL,
            max_partitions_per_run INTEGER NOT NULL,
            status VARCHAR NOT NULL,          -- requested | running | interrupted | cancelled | failed | completed
            owner_pid INTEGER,                -- the process that runs (or last ran) it
            owner_started_at BIGINT,          -- that process's start, unix ticks
            message VARCHAR,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        );

        CREATE TABLE backfill_steps (
            backfill_id VARCHAR NOT NULL,
            position INTEGER NOT NULL,        -- order in which ready steps start
            asset VARCHAR NOT NULL,
            partition VARCHAR NOT NULL,       -- '' when unpartitioned
            chunk INTEGER NOT NULL,           -- steps sharing a chunk run in one call of the body
            state VARCHAR NOT NULL,           -- BackfillStepState, kebab-case
            attempts INTEGER NOT NULL,
            error VARCHAR,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (backfill_id, asset, partition)
        );
        """;

    /// <summary>Version 3: per scheduled asset, the newest schedule tick the daemon handled (missed ticks are counted from it).</summary>
    private const string Version3 = """
        CREATE TABLE automation_cursors (
            asset VARCHAR NOT NULL PRIMARY KEY,
            cursor_at BIGINT NOT NULL         -- unix ticks
        );
        """;

    /// <summary>Version 4: the latest observation of each observed partition's source.</summary>
    private const string Version4 = """
        CREATE TABLE source_observations (
            asset VARCHAR NOT NULL,
            partition VARCHAR NOT NULL,       -- '' when unpartitioned
            arrived BOOLEAN NOT NULL,
            version VARCHAR,                  -- NULL when not arrived
            description VARCHAR NOT NULL,
            observed_at BIGINT NOT NULL,      -- unix ticks of the first identical observation
            PRIMARY KEY (asset, partition)
        );
        """;

    /// <summary>
    /// Version 5: how far the store agrees with the root's pointers (one row), so an open reads only the pointers
    /// written since (see <see cref="Maintenance.IReconciliationMarkStore"/>).
    /// </summary>
    private const string Version5 = """
        CREATE TABLE reconciliation_mark (
            id INTEGER NOT NULL PRIMARY KEY,  -- always 1
            reconciled_through BIGINT NOT NULL -- unix ticks, in the object store's clock
        );
        """;

    /// <summary>
    /// Version 6: the last evaluated status grid (one row), so a new process planning on an unchanged store reads it
    /// instead of evaluating every partition (see <see cref="Planning.IStatusGridSnapshotStore"/>). A cache: deleting the
    /// row loses nothing.
    /// </summary>
    private const string Version6 = """
        CREATE TABLE status_grid_snapshot (
            id INTEGER NOT NULL PRIMARY KEY,  -- always 1
            snapshot_key VARCHAR NOT NULL,    -- the store's fingerprint and a hash of the graph and the existing partitions
            payload BLOB NOT NULL,            -- the grid, in StatusGridSnapshotFormat
            written_at BIGINT NOT NULL        -- unix ticks
        );
        """;

    /// <summary>
    /// Version 7: whether the process that last held the file closed it cleanly (one row), so an open after a clean close
    /// trusts the index instead of looking at the root (see <see cref="Maintenance.IStoreSession"/>); and which root the
    /// reconciliation mark is for, so a store file used with another root is not taken to agree with it.
    /// </summary>
    private const string Version7 = """
        ALTER TABLE reconciliation_mark ADD COLUMN root VARCHAR;  -- IObjectStore.Location; NULL for a mark from before version 7
        CREATE TABLE store_session (
            id INTEGER NOT NULL PRIMARY KEY,  -- always 1
            opened_at BIGINT NOT NULL,        -- unix ticks: when the newest session opened the file
            opened_by VARCHAR NOT NULL,       -- machine name and full path of the file, as that session opened it
            closed_at BIGINT                  -- unix ticks of its clean close; NULL while it is open and after it died
        );
        """;

    /// <summary>
    /// Version 8: the status generation (one row), a counter every write that can change a status moves forward in its own
    /// transaction, with a random id of the file, so a kept status grid is validated by comparing two values instead of
    /// hashing every row. The status grid snapshot moves out of the file (DuckDB returned its 40 MB blob slower than the
    /// file system does; see <see cref="DuckDbMetadataStore.SnapshotPath"/>): version 6's table goes, and the file keeps
    /// only the key of the last snapshot written for it, so a snapshot beside a copy of the file restored from a backup
    /// (whose generations then repeat with other contents) is never taken for its own.
    /// </summary>
    private const string Version8 = """
        CREATE TABLE status_generation (
            id INTEGER NOT NULL PRIMARY KEY,  -- always 1
            store_id VARCHAR NOT NULL,        -- random, made with the row: a generation means something only in its file
            generation BIGINT NOT NULL        -- moved forward by every transaction that can change a status
        );
        INSERT INTO status_generation VALUES (1, replace(uuid()::VARCHAR, '-', ''), 0);
        DROP TABLE status_grid_snapshot;
        CREATE TABLE status_grid_snapshot_key (
            id INTEGER NOT NULL PRIMARY KEY,  -- always 1
            snapshot_key VARCHAR NOT NULL,    -- the key of the snapshot file last written for this file
            written_at BIGINT NOT NULL        -- unix ticks
        );
        """;

    /// <summary>
    /// Version 9: the materialization id again as a 16-byte UUID beside its text, in the states and in the recorded reads,
    /// so the status read joins the reads of each partition's current materialization on a number instead of a
    /// 32-character text (it was most of that join's work; see <see cref="DuckDbMetadataStore"/>'s status inputs). Every
    /// write of an id writes its key. An id is 32 lower-case hex digits, a UUID's digits, so the key is the id exactly;
    /// a text that is not (none is written by Assets) gets no key, and its reads then count as not read: the partition
    /// is stale, never wrongly up to date.
    /// </summary>
    private const string Version9 = """
        ALTER TABLE partition_states ADD COLUMN materialization_key UUID;  -- materialization_id as a UUID
        UPDATE partition_states SET materialization_key = materialization_id::UUID
            WHERE regexp_full_match(materialization_id, '[0-9a-f]{32}');
        ALTER TABLE materialization_upstream ADD COLUMN materialization_key UUID;
        UPDATE materialization_upstream SET materialization_key = materialization_id::UUID
            WHERE regexp_full_match(materialization_id, '[0-9a-f]{32}');
        """;

    /// <summary>Every migration, in order; index i builds version i + 1. Append only: never edit a shipped one.</summary>
    private static readonly string[] Migrations = [Version1, Version2, Version3, Version4, Version5, Version6, Version7, Version8, Version9];

    /// <summary>The version this build writes.</summary>
    public static int CurrentVersion => Migrations.Length;

    /// <summary>Brings the file up to <see cref="CurrentVersion"/>; returns the version it had before.</summary>
    public static int Migrate(DuckDBConnection connection, Func<long> nowTicks)
    {
        Execute(connection, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at BIGINT NOT NULL)");
        var found = ReadVersion(connection);
        if (found > CurrentVersion)
        {
            throw new InvalidOperationException(
                $"The metadata store '{connection.DataSource}' has schema version {found}, written by a newer Assets; "
                + $"this one knows versions up to {CurrentVersion}. Upgrade Assets, or point it at another metadata file.");
        }

        for (var version = found + 1; version <= CurrentVersion; version++)
        {
            using var transaction = connection.BeginTransaction();
            Execute(connection, Migrations[version - 1]);
            using (var record = connection.CreateCommand())
            {
                record.CommandText = "INSERT INTO schema_version VALUES ($version, $at)";
                record.Parameters.Add(new DuckDBParameter("version", version));
                record.Parameters.Add(new DuckDBParameter("at", nowTicks()));
                record.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        return found;
    }

    public static int ReadVersion(DuckDBConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT coalesce(max(version), 0) FROM schema_version";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

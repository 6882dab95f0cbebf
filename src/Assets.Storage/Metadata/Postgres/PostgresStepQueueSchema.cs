namespace Assets.Storage.Metadata.Postgres;

/// <summary>
/// Schema version 2: the step queue's tables and the functions that decide claims and completions inside the server,
/// so each is one round trip (<see cref="PostgresStepQueue"/>). Encodings as in <see cref="PostgresSchema"/>: instants and
/// durations as BIGINT 100 ns ticks, '' for an unpartitioned asset. A step's state is the
/// <see cref="Assets.Execution.Queue.QueuedStepState"/> number: 0 pending, 1 ready, 2 running, 3 published, 4 failed,
/// 5 skipped, 6 quarantined, 7 waiting, 8 cancelled (part of the format: never renumber). Notifications go to the channel
/// <c>assets_queue_</c> + md5 of the schema, so stores in other schemas of the database do not wake each other.
/// </summary>
internal static class PostgresStepQueueSchema
{
    public const string Version2 = """
        CREATE TABLE queue_runs (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- enqueue order: older runs first within a priority
            run_id TEXT NOT NULL UNIQUE,
            origin SMALLINT NOT NULL,                -- RunOriginKind: 0 materialize, 1 backfill, 2 automation
            backfill_id TEXT,
            priority SMALLINT NOT NULL,              -- StepPriority: 0 current, 1 backfill
            concurrency_group TEXT NOT NULL,         -- whose claims the limit counts: the backfill id, else the run id
            concurrency_limit INTEGER,
            cancel_requested BOOLEAN NOT NULL DEFAULT false,
            enqueued_at BIGINT NOT NULL,
            finished_at BIGINT                       -- set by a later claim once no step is open
        );
        CREATE INDEX queue_runs_open ON queue_runs (priority, seq) WHERE finished_at IS NULL;
        CREATE INDEX queue_runs_by_group ON queue_runs (concurrency_group) WHERE finished_at IS NULL;

        CREATE TABLE queue_steps (
            run_seq BIGINT NOT NULL REFERENCES queue_runs (seq),
            position INTEGER NOT NULL,               -- the enqueuer's order within the run
            asset TEXT COLLATE "C" NOT NULL,
            partition TEXT COLLATE "C" NOT NULL,
            code_version TEXT NOT NULL,
            reason TEXT,
            range_lead INTEGER,                      -- a range run's lowest position: its members are claimed as one
            range_partitions TEXT,                   -- JSON array of the range's partition keys as given (RunsWith)
            waiting_for INTEGER NOT NULL,            -- upstream steps of the run not yet published
            state SMALLINT NOT NULL,
            attempt INTEGER NOT NULL DEFAULT 0,      -- the claim token: +1 each time the step is claimed
            worker_id TEXT,                          -- the latest claim's worker
            claim_expires_at BIGINT,
            note TEXT,                               -- why a ready step waits (code version)
            cause TEXT,
            error_type TEXT,
            materialization_id TEXT,
            row_count BIGINT,
            data_version TEXT,
            step_attempts INTEGER,                   -- the executor's attempts within the claim that ended it
            duration_ticks BIGINT,
            warnings TEXT[],
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (run_seq, position),
            UNIQUE (run_seq, asset, partition)
        );
        CREATE INDEX queue_steps_ready ON queue_steps (run_seq, position) WHERE state = 1;
        CREATE INDEX queue_steps_running ON queue_steps (claim_expires_at) WHERE state = 2;
        CREATE INDEX queue_steps_open ON queue_steps (run_seq) WHERE state <= 2;
        CREATE INDEX queue_steps_by_range ON queue_steps (run_seq, range_lead) WHERE range_lead IS NOT NULL;

        CREATE TABLE queue_edges (
            run_seq BIGINT NOT NULL,
            upstream INTEGER NOT NULL,
            downstream INTEGER NOT NULL,
            PRIMARY KEY (run_seq, upstream, downstream)
        );
        CREATE INDEX queue_edges_by_downstream ON queue_edges (run_seq, downstream);

        CREATE TABLE queue_workers (
            worker_id TEXT NOT NULL PRIMARY KEY,
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            slots INTEGER NOT NULL,
            started_at BIGINT NOT NULL,
            heartbeat_at BIGINT NOT NULL
        );

        CREATE FUNCTION assets_queue_notify(p_payload TEXT) RETURNS void LANGUAGE sql AS $f$
            SELECT pg_notify('assets_queue_' || md5(current_schema()), p_payload)
        $f$;

        -- Ends everything downstream of a step that ended without publishing and has not ended itself: skipped with
        -- p_cause, or cancelled when the step was (p_state 8).
        CREATE FUNCTION assets_queue_end_downstream(p_seq BIGINT, p_position INTEGER, p_state SMALLINT, p_cause TEXT, p_now BIGINT)
        RETURNS void
        LANGUAGE sql AS $f$
            WITH RECURSIVE downstream(position) AS (
                SELECT e.downstream FROM queue_edges e WHERE e.run_seq = p_seq AND e.upstream = p_position
                UNION
                SELECT e.downstream FROM downstream d JOIN queue_edges e ON e.run_seq = p_seq AND e.upstream = d.position)
            UPDATE queue_steps q
            SET state = CASE WHEN p_state = 8 THEN 8 ELSE 5 END, cause = p_cause, updated_at = p_now
            WHERE q.run_seq = p_seq AND q.position IN (SELECT position FROM downstream) AND q.state = 0
        $f$;

        -- Claims up to p_max units (a step, or a range run's steps together) for p_worker. Serialized by a transaction
        -- lock: the fairness rule counts the whole pool, which row locks alone cannot keep exact between two claimers.
        -- Rows are still taken FOR UPDATE SKIP LOCKED so a claim never waits for a completion in flight.
        CREATE FUNCTION assets_queue_claim(
            p_worker TEXT, p_max INTEGER, p_assets TEXT[], p_versions TEXT[], p_now BIGINT, p_lease_ticks BIGINT, p_worker_ttl_ticks BIGINT,
            p_max_attempts INTEGER)
        RETURNS TABLE (
            o_run_id TEXT, o_origin SMALLINT, o_backfill_id TEXT, o_priority SMALLINT, o_asset TEXT, o_partition TEXT,
            o_code_version TEXT, o_reason TEXT, o_range_partitions TEXT, o_attempt INTEGER, o_expires_at BIGINT,
            o_depends_assets TEXT[], o_depends_partitions TEXT[])
        LANGUAGE plpgsql AS $f$
        DECLARE
            v_pool INTEGER;
            v_running INTEGER;
            v_claimed INTEGER := 0;
            v_allow INTEGER;
            v_group_running INTEGER;
            v_run RECORD;
            v_step RECORD;
            v_done_leads INTEGER[];
            v_seqs BIGINT[] := '{}';
            v_positions INTEGER[] := '{}';
            v_range_size INTEGER;
            v_range_ready INTEGER;
            v_lapsed RECORD;
        BEGIN
            PERFORM pg_advisory_xact_lock(hashtextextended('assets:queue:' || current_schema(), 0));

            -- A claim is a heartbeat too; an unknown worker must register first (its slots make the pool).
            UPDATE queue_workers w SET heartbeat_at = greatest(w.heartbeat_at, p_now) WHERE w.worker_id = p_worker;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'worker % is not registered in the step queue', p_worker USING ERRCODE = 'AS001';
            END IF;

            -- Claims that lapsed: the step is claimable again (the next claim is the next attempt), cancelled with its run,
            -- or failed when it lapsed p_max_attempts times (a step that kills or stalls every worker that runs it).
            FOR v_lapsed IN
                UPDATE queue_steps q
                SET state = CASE WHEN r.cancel_requested THEN 8 WHEN q.attempt >= p_max_attempts THEN 4 ELSE 1 END,
                    cause = CASE
                        WHEN r.cancel_requested THEN 'the run was cancelled while the step ran'
                        WHEN q.attempt >= p_max_attempts THEN 'claimed ' || q.attempt || ' times, and each claim lapsed without an outcome: '
                            || 'the workers that ran it died or stalled past the step lease (the last was ' || q.worker_id || '; see its log)'
                        ELSE q.cause END,
                    claim_expires_at = NULL, updated_at = p_now
                FROM queue_runs r
                WHERE q.state = 2 AND q.claim_expires_at <= p_now AND r.seq = q.run_seq
                RETURNING q.run_seq, q.position, q.state, q.asset, q.partition
            LOOP
                IF v_lapsed.state = 4 THEN
                    PERFORM assets_queue_end_downstream(v_lapsed.run_seq, v_lapsed.position, 4::smallint,
                        'upstream ' || v_lapsed.asset || CASE WHEN v_lapsed.partition = '' THEN '' ELSE '[' || v_lapsed.partition || ']' END || ' failed',
                        p_now);
                END IF;
            END LOOP;

            UPDATE queue_runs r SET finished_at = p_now
            WHERE r.finished_at IS NULL AND NOT EXISTS (SELECT 1 FROM queue_steps q WHERE q.run_seq = r.seq AND q.state <= 2);

            SELECT coalesce(sum(w.slots), 0) INTO v_pool
            FROM queue_workers w WHERE w.heartbeat_at > p_now - p_worker_ttl_ticks OR w.worker_id = p_worker;
            SELECT count(DISTINCT (q.run_seq, coalesce(q.range_lead, q.position))) INTO v_running
            FROM queue_steps q WHERE q.state = 2;

            FOR v_run IN
                SELECT r.seq, r.priority, r.concurrency_group, r.concurrency_limit, r.run_id
                FROM queue_runs r WHERE r.finished_at IS NULL AND NOT r.cancel_requested
                ORDER BY r.priority, r.seq
            LOOP
                EXIT WHEN v_claimed >= p_max;
                v_allow := p_max - v_claimed;
                IF v_run.priority = 1 THEN
                    -- The pool's last free slot stays for current work; a pool of one slot has none to spare (as StepSlots).
                    v_allow := least(v_allow, v_pool - CASE WHEN v_pool >= 2 THEN 1 ELSE 0 END - v_running);
                END IF;
                IF v_run.concurrency_limit IS NOT NULL THEN
                    SELECT count(DISTINCT (q.run_seq, coalesce(q.range_lead, q.position))) INTO v_group_running
                    FROM queue_runs g JOIN queue_steps q ON q.run_seq = g.seq AND q.state = 2
                    WHERE g.concurrency_group = v_run.concurrency_group AND g.finished_at IS NULL;
                    v_allow := least(v_allow, v_run.concurrency_limit - v_group_running);
                END IF;
                CONTINUE WHEN v_allow <= 0;

                v_done_leads := '{}';
                FOR v_step IN
                    SELECT q.position, q.range_lead FROM queue_steps q
                    WHERE q.run_seq = v_run.seq AND q.state = 1
                      AND q.code_version = p_versions[array_position(p_assets, q.asset::text)]
                    ORDER BY q.position
                    FOR UPDATE OF q SKIP LOCKED
                LOOP
                    IF v_step.range_lead IS NOT NULL THEN
                        CONTINUE WHEN v_step.range_lead = ANY (v_done_leads);
                        v_done_leads := v_done_leads || v_step.range_lead;
                        SELECT count(*), count(*) FILTER (WHERE q.state = 1) INTO v_range_size, v_range_ready
                        FROM queue_steps q WHERE q.run_seq = v_run.seq AND q.range_lead = v_step.range_lead;
                        CONTINUE WHEN v_range_ready < v_range_size;  -- a range runs all at once or not yet
                    END IF;

                    WITH claimed AS (
                        UPDATE queue_steps q
                        SET state = 2, attempt = q.attempt + 1, worker_id = p_worker, claim_expires_at = p_now + p_lease_ticks,
                            note = NULL, updated_at = p_now
                        WHERE q.run_seq = v_run.seq AND q.state = 1
                          AND (q.position = v_step.position OR q.range_lead = v_step.range_lead)
                        RETURNING q.position)
                    SELECT v_seqs || array_agg(v_run.seq), v_positions || array_agg(c.position)
                    INTO v_seqs, v_positions FROM claimed c;

                    v_claimed := v_claimed + 1;
                    v_running := v_running + 1;
                    v_allow := v_allow - 1;
                    EXIT WHEN v_allow <= 0;
                END LOOP;

                IF v_allow > 0 THEN
                    -- The run still has ready steps this worker did not take: say which code version they wait for.
                    UPDATE queue_steps q
                    SET note = 'waiting for a worker with code version ' || q.code_version || '; worker ' || p_worker
                        || CASE WHEN array_position(p_assets, q.asset::text) IS NULL THEN ' does not define ' || q.asset
                                ELSE ' runs ' || p_versions[array_position(p_assets, q.asset::text)] END
                    WHERE (q.run_seq, q.position) IN (
                        SELECT s.run_seq, s.position FROM queue_steps s
                        WHERE s.run_seq = v_run.seq AND s.state = 1
                          AND s.code_version IS DISTINCT FROM p_versions[array_position(p_assets, s.asset::text)]
                        ORDER BY s.position LIMIT 100
                        FOR UPDATE SKIP LOCKED)
                      AND q.note IS DISTINCT FROM ('waiting for a worker with code version ' || q.code_version || '; worker ' || p_worker
                        || CASE WHEN array_position(p_assets, q.asset::text) IS NULL THEN ' does not define ' || q.asset
                                ELSE ' runs ' || p_versions[array_position(p_assets, q.asset::text)] END);
                END IF;
            END LOOP;

            RETURN QUERY
            SELECT r.run_id, r.origin, r.backfill_id, r.priority, q.asset::text, q.partition::text, q.code_version, q.reason,
                   q.range_partitions, q.attempt, q.claim_expires_at,
                   ARRAY(SELECT d.asset::text FROM queue_edges e JOIN queue_steps d ON d.run_seq = e.run_seq AND d.position = e.upstream
                         WHERE e.run_seq = q.run_seq AND e.downstream = q.position ORDER BY e.upstream),
                   ARRAY(SELECT d.partition::text FROM queue_edges e JOIN queue_steps d ON d.run_seq = e.run_seq AND d.position = e.upstream
                         WHERE e.run_seq = q.run_seq AND e.downstream = q.position ORDER BY e.upstream)
            FROM unnest(v_seqs, v_positions) WITH ORDINALITY AS u(s, p, n)
            JOIN queue_steps q ON q.run_seq = u.s AND q.position = u.p
            JOIN queue_runs r ON r.seq = u.s
            ORDER BY u.n;
        END
        $f$;

        -- Ends a claim if it is still current, and settles what depends on it, in the caller's transaction.
        CREATE FUNCTION assets_queue_complete(
            p_run_id TEXT, p_asset TEXT, p_partition TEXT, p_attempt INTEGER, p_worker TEXT, p_state SMALLINT,
            p_cause TEXT, p_error_type TEXT, p_materialization_id TEXT, p_rows BIGINT, p_data_version TEXT,
            p_step_attempts INTEGER, p_duration_ticks BIGINT, p_warnings TEXT[], p_downstream_cause TEXT, p_now BIGINT)
        RETURNS BOOLEAN
        LANGUAGE plpgsql AS $f$
        DECLARE
            v_seq BIGINT;
            v_position INTEGER;
            v_readied BIGINT := 0;
        BEGIN
            UPDATE queue_steps q
            SET state = p_state, cause = p_cause, error_type = p_error_type, materialization_id = p_materialization_id,
                row_count = p_rows, data_version = p_data_version, step_attempts = p_step_attempts,
                duration_ticks = p_duration_ticks, warnings = p_warnings, claim_expires_at = NULL, note = NULL, updated_at = p_now
            FROM queue_runs r
            WHERE r.run_id = p_run_id AND q.run_seq = r.seq AND q.asset = p_asset AND q.partition = p_partition
              AND q.state = 2 AND q.attempt = p_attempt AND q.worker_id = p_worker
            RETURNING q.run_seq, q.position INTO v_seq, v_position;
            IF NOT FOUND THEN
                RETURN false;
            END IF;

            IF p_state = 3 THEN
                WITH readied AS (
                UPDATE queue_steps q
                SET waiting_for = q.waiting_for - 1,
                    state = CASE WHEN q.waiting_for = 1 THEN 1 ELSE 0 END,
                    updated_at = p_now
                FROM queue_edges e
                WHERE e.run_seq = v_seq AND e.upstream = v_position
                  AND q.run_seq = v_seq AND q.position = e.downstream AND q.state = 0
                RETURNING q.state)
                SELECT count(*) FILTER (WHERE r.state = 1) INTO v_readied FROM readied r;
            ELSE
                PERFORM assets_queue_end_downstream(v_seq, v_position, p_state, p_downstream_cause, p_now);
            END IF;

            -- Wake waiters when there is something to claim or the run may have ended; a notification serializes commits
            -- on the server's notification queue, so completions that change neither send none. (Two last completions
            -- committing at once may each see the other open: a waiting enqueuer then learns of the end at its next poll.)
            IF v_readied > 0 OR NOT EXISTS (SELECT 1 FROM queue_steps q WHERE q.run_seq = v_seq AND q.state <= 2) THEN
                PERFORM assets_queue_notify(p_run_id);
            END IF;
            RETURN true;
        END
        $f$;
        """;
}

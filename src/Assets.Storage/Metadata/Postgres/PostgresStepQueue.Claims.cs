using Assets.Execution;
using Assets.Execution.Queue;
using Assets.Graph;
using Npgsql;
using NodaTime;

namespace Assets.Storage.Metadata.Postgres;

public sealed partial class PostgresStepQueue
{
    /// <summary>
    /// Gives claims back: the step is ready again (cancelled when its run was cancelled); a range run's members go back
    /// together. <c>@steps</c> picks the claims by run id, asset, partition and attempt; <c>NULL</c> with <c>@worker</c>
    /// picks every claim of the worker.
    /// </summary>
    private const string ReleaseClaims = """
        WITH target AS (
            SELECT q.run_seq, q.position, q.range_lead FROM queue_steps q JOIN queue_runs r ON r.seq = q.run_seq
            WHERE q.state = 2 AND q.worker_id = @worker
              AND (@runId::text IS NULL OR (r.run_id = @runId AND q.asset = @asset AND q.partition = @partition AND q.attempt = @attempt)))
        UPDATE queue_steps q
        SET state = CASE WHEN r.cancel_requested THEN 8 ELSE 1 END,
            cause = CASE WHEN r.cancel_requested THEN 'the run was cancelled while the step ran' ELSE q.cause END,
            claim_expires_at = NULL, updated_at = @now
        FROM queue_runs r
        WHERE r.seq = q.run_seq AND q.state = 2 AND q.worker_id = @worker
          AND EXISTS (SELECT 1 FROM target t WHERE t.run_seq = q.run_seq AND (t.position = q.position OR t.range_lead = q.range_lead))
        """;

    /// <inheritdoc />
    public async Task RegisterWorkerAsync(QueueWorker worker, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(worker);
        var started = StoredForm.Ticks(worker.StartedAt);
        await RunAsync(
            async connection =>
            {
                await using var batch = new NpgsqlBatch(connection);
                batch.BatchCommands.Add(Statement(
                    """
                    INSERT INTO queue_workers AS w (worker_id, host, pid, slots, started_at, heartbeat_at) VALUES (@id, @host, @pid, @slots, @started, @started)
                    ON CONFLICT (worker_id) DO UPDATE SET host = excluded.host, pid = excluded.pid, slots = excluded.slots,
                        started_at = excluded.started_at, heartbeat_at = greatest(w.heartbeat_at, excluded.heartbeat_at)
                    """,
                    ("id", worker.Id.Value),
                    ("host", worker.Host ?? string.Empty),
                    ("pid", worker.ProcessId),
                    ("slots", worker.Slots),
                    ("started", started)));
                // Rows of workers silent for a day are history nobody reads; they hold no claims that have not lapsed.
                batch.BatchCommands.Add(Statement("DELETE FROM queue_workers WHERE heartbeat_at < @before", ("before", started - Duration.FromDays(1).BclCompatibleTicks)));
                batch.BatchCommands.Add(Statement("SELECT assets_queue_notify('worker')"));
                await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            },
            ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> HeartbeatWorkerAsync(WorkerId worker, Instant now, CancellationToken ct = default)
    {
        return await RunAsync(
            async connection =>
            {
                await using var command = Command(
                    connection,
                    "UPDATE queue_workers SET heartbeat_at = greatest(heartbeat_at, @now) WHERE worker_id = @id",
                    ("id", worker.Value),
                    ("now", StoredForm.Ticks(now)));
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
            },
            ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DeregisterWorkerAsync(WorkerId worker, CancellationToken ct = default)
    {
        await RunAsync(
            async connection =>
            {
                await using var batch = new NpgsqlBatch(connection);
                batch.BatchCommands.Add(Statement(
                    ReleaseClaims,
                    ("worker", worker.Value),
                    ("runId", null),
                    ("asset", string.Empty),
                    ("partition", string.Empty),
                    ("attempt", 0),
                    ("now", StoredForm.Ticks(_clock.GetCurrentInstant()))));
                batch.BatchCommands.Add(Statement("DELETE FROM queue_workers WHERE worker_id = @id", ("id", worker.Value)));
                batch.BatchCommands.Add(Statement("SELECT assets_queue_notify('worker')"));
                await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            },
            ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueueWorkerStatus>> ListWorkersAsync(Instant now, Duration workerTtl, CancellationToken ct = default)
    {
        var ticks = StoredForm.Ticks(now);
        return await RunAsync(
            async connection =>
            {
                await using var command = Command(
                    connection,
                    """
                    SELECT w.worker_id, w.host, w.pid, w.slots, w.started_at, w.heartbeat_at,
                           (SELECT count(*) FROM queue_steps q WHERE q.state = 2 AND q.worker_id = w.worker_id AND q.claim_expires_at > @now)
                    FROM queue_workers w ORDER BY w.started_at, w.worker_id
                    """,
                    ("now", ticks));
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                var workers = new List<QueueWorkerStatus>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    var heartbeat = reader.GetInt64(5);
                    workers.Add(new QueueWorkerStatus(
                        new QueueWorker(WorkerId.Parse(reader.GetString(0)), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), StoredForm.Instant(reader.GetInt64(4))),
                        StoredForm.Instant(heartbeat),
                        heartbeat > ticks - workerTtl.BclCompatibleTicks,
                        (int)reader.GetInt64(6)));
                }

                return workers;
            },
            ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StepClaim>> ClaimAsync(ClaimRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.MaxSteps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.StepLeaseTtl, Duration.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.WorkerTtl, Duration.Zero);
        if (request.MaxAttempts is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.MaxAttempts, $"A step needs at least one attempt, not {request.MaxAttempts}; leave MaxAttempts out for no limit.");
        }

        var versions = request.CodeVersions ?? throw new ArgumentNullException(nameof(request), "The claim request gives no code versions.");
        // A claim whose reply was lost is not looked for: the steps it took stay claimed by this worker, unrenewed, and
        // lapse at the claim TTL to be claimed again as their next attempt (late, never twice at once).
        return await RunAsync<IReadOnlyList<StepClaim>>(
            async connection =>
            {
                await using var command = Command(
                    connection,
                    "SELECT * FROM assets_queue_claim(@worker, @max, @assets, @versions, @now, @lease, @workerTtl, @maxAttempts)",
                    ("worker", request.Worker.Value),
                    ("max", request.MaxSteps),
                    ("assets", versions.Keys.Select(k => k.Value).ToArray()),
                    ("versions", versions.Values.ToArray()),
                    ("now", StoredForm.Ticks(request.Now)),
                    ("lease", request.StepLeaseTtl.BclCompatibleTicks),
                    ("workerTtl", request.WorkerTtl.BclCompatibleTicks),
                    ("maxAttempts", request.MaxAttempts ?? int.MaxValue));
                var claims = new List<StepClaim>();
                try
                {
                    await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        var asset = AssetKey.Parse(reader.GetString(4));
                        var dependsAssets = reader.GetFieldValue<string[]>(11);
                        var dependsPartitions = reader.GetFieldValue<string[]>(12);
                        var step = new ExecutionStep(
                            new AssetPartition(asset, StoredForm.Partition(reader.GetString(5))),
                            dependsAssets.Select((a, i) => new AssetPartition(AssetKey.Parse(a), StoredForm.Partition(dependsPartitions[i]))).ToArray())
                        {
                            Reason = reader.IsDBNull(7) ? null : reader.GetString(7),
                            RunsWith = reader.IsDBNull(8)
                                ? null
                                : System.Text.Json.JsonSerializer.Deserialize<string[]>(reader.GetString(8))!.Select(p => new AssetPartition(asset, StoredForm.Partition(p))).ToArray(),
                        };
                        claims.Add(new StepClaim(
                            RunId.Parse(reader.GetString(0)),
                            Origin(reader.GetInt16(1), reader.IsDBNull(2) ? null : reader.GetString(2)),
                            Priority(reader.GetInt16(3)),
                            step,
                            reader.GetString(6),
                            request.Worker,
                            reader.GetInt32(9),
                            StoredForm.Instant(reader.GetInt64(10))));
                    }
                }
                catch (PostgresException e) when (e.SqlState == "AS001")
                {
                    throw new InvalidOperationException($"Worker {request.Worker} is not registered in the step queue (it deregistered, or the database was reset): register it again before claiming.", e);
                }

                return claims;
            },
            ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ClaimStatus>> RenewAsync(IReadOnlyList<StepClaim> claims, Instant now, Duration ttl, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, Duration.Zero);
        var statuses = Enumerable.Repeat(ClaimStatus.Lost, claims.Count).ToArray();
        if (claims.Count == 0)
        {
            return statuses;
        }

        return await RunAsync(
            async connection =>
            {
                await using var command = Command(
                    connection,
                    """
                    UPDATE queue_steps q SET claim_expires_at = @expires
                    FROM queue_runs r, unnest(@runs, @assets, @partitions, @attempts, @workers) WITH ORDINALITY AS c(run_id, asset, partition, attempt, worker, n)
                    WHERE r.run_id = c.run_id AND q.run_seq = r.seq AND q.asset = c.asset AND q.partition = c.partition
                      AND q.state = 2 AND q.attempt = c.attempt AND q.worker_id = c.worker
                    RETURNING c.n, r.cancel_requested
                    """,
                    ("expires", StoredForm.Ticks(now + ttl)),
                    ("runs", claims.Select(c => c.Run.Value).ToArray()),
                    ("assets", claims.Select(c => c.Partition.Asset.Value).ToArray()),
                    ("partitions", claims.Select(c => StoredForm.Partition(c.Partition.Partition)).ToArray()),
                    ("attempts", claims.Select(c => c.Attempt).ToArray()),
                    ("workers", claims.Select(c => c.Worker.Value).ToArray()));
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    statuses[reader.GetInt64(0) - 1] = reader.GetBoolean(1) ? ClaimStatus.CancelRequested : ClaimStatus.Held;
                }

                return statuses;
            },
            ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> CompleteAsync(StepClaim claim, StepResult result, Instant now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(result);
        if (result.Partition != claim.Partition)
        {
            throw new ArgumentException($"The result is {result.Partition}'s, but the claim is {claim.Partition}'s.", nameof(result));
        }

        var state = result.Outcome switch
        {
            StepOutcome.Published => QueuedStepState.Published,
            StepOutcome.Failed => QueuedStepState.Failed,
            StepOutcome.Skipped => QueuedStepState.Skipped,
            StepOutcome.Quarantined => QueuedStepState.Quarantined,
            StepOutcome.Waiting => QueuedStepState.Waiting,
            StepOutcome.Cancelled => QueuedStepState.Cancelled,
            _ => throw new ArgumentOutOfRangeException(nameof(result), result.Outcome, "Unknown step outcome."),
        };
        var downstreamCause = result.Outcome switch
        {
            StepOutcome.Published => null,
            StepOutcome.Cancelled => CancelledBeforeStart,
            _ => result.DownstreamSkipCause(),
        };
        // A completion whose reply was lost is looked for before it runs again: this claim's step in the state it reported,
        // stamped with its time, means it applied (running it again would find no running claim and answer false).
        return await RunAsync(
            async connection =>
            {
                await using var command = Command(
                    connection,
                    """
                    SELECT assets_queue_complete(@run, @asset, @partition, @attempt, @worker, @state, @cause, @errorType, @materialization,
                        @rows, @dataVersion, @stepAttempts, @duration, @warnings, @downstreamCause, @now)
                    """,
                    ("run", claim.Run.Value),
                    ("asset", claim.Partition.Asset.Value),
                    ("partition", StoredForm.Partition(claim.Partition.Partition)),
                    ("attempt", claim.Attempt),
                    ("worker", claim.Worker.Value),
                    ("state", (short)state),
                    ("cause", result.Cause),
                    ("errorType", result.ErrorType),
                    ("materialization", result.MaterializationId?.Value),
                    ("rows", result.Rows),
                    ("dataVersion", result.DataVersion),
                    ("stepAttempts", result.Attempts),
                    ("duration", result.Duration.BclCompatibleTicks),
                    ("warnings", (result.Warnings ?? []).ToArray()),
                    ("downstreamCause", downstreamCause),
                    ("now", StoredForm.Ticks(now)));
                return (bool)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            },
            ct,
            Replay<bool>.Checked(
                async (connection, token) =>
                {
                    await using var command = Command(
                        connection,
                        """
                        SELECT EXISTS (
                            SELECT 1 FROM queue_steps q JOIN queue_runs r ON r.seq = q.run_seq
                            WHERE r.run_id = @run AND q.asset = @asset AND q.partition = @partition AND q.attempt = @attempt
                              AND q.worker_id = @worker AND q.state = @state AND q.updated_at = @now)
                        """,
                        ("run", claim.Run.Value),
                        ("asset", claim.Partition.Asset.Value),
                        ("partition", StoredForm.Partition(claim.Partition.Partition)),
                        ("attempt", claim.Attempt),
                        ("worker", claim.Worker.Value),
                        ("state", (short)state),
                        ("now", StoredForm.Ticks(now)));
                    return (bool)(await command.ExecuteScalarAsync(token).ConfigureAwait(false))!;
                },
                true)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> ReleaseAsync(StepClaim claim, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return await RunAsync(
            async connection =>
            {
                await using var batch = new NpgsqlBatch(connection);
                batch.BatchCommands.Add(Statement(
                    ReleaseClaims,
                    ("worker", claim.Worker.Value),
                    ("runId", claim.Run.Value),
                    ("asset", claim.Partition.Asset.Value),
                    ("partition", StoredForm.Partition(claim.Partition.Partition)),
                    ("attempt", claim.Attempt),
                    ("now", StoredForm.Ticks(_clock.GetCurrentInstant()))));
                batch.BatchCommands.Add(Statement("SELECT assets_queue_notify(@run)", ("run", claim.Run.Value)));
                await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                return batch.BatchCommands[0].RecordsAffected > 0;
            },
            ct).ConfigureAwait(false);
    }
}

using Assets.Execution;
using Assets.Execution.Queue;
using Assets.Graph;
using Npgsql;
using NodaTime;

namespace Assets.Storage.Metadata.Postgres;

public sealed partial class PostgresStepQueue
{
    /// <summary>The cause of a step that never started because its run was cancelled, as the in-process executor words it.</summary>
    private const string CancelledBeforeStart = "the run was cancelled before this step started";

    /// <inheritdoc />
    public async Task<int> CancelRunAsync(RunId run, string cause, Instant now, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cause);
        return await RunAsync(
            async connection =>
            {
                await using var batch = new NpgsqlBatch(connection);
                batch.BatchCommands.Add(Statement(
                    """
                    WITH run AS (
                        UPDATE queue_runs SET cancel_requested = true WHERE run_id = @run AND finished_at IS NULL RETURNING seq),
                    cancelled AS (
                        UPDATE queue_steps q SET state = 8, cause = @cause, note = NULL, updated_at = @now
                        FROM run WHERE q.run_seq = run.seq AND q.state IN (0, 1) RETURNING 1)
                    SELECT count(*) FROM cancelled
                    """,
                    ("run", run.Value),
                    ("cause", cause),
                    ("now", StoredForm.Ticks(now))));
                batch.BatchCommands.Add(Statement("SELECT assets_queue_notify(@run)", ("run", run.Value)));
                // A deadlock with a completion of the same run aborts the statement: it runs again, as after a restart.
                await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await reader.ReadAsync(ct).ConfigureAwait(false);
                return (int)reader.GetInt64(0);
            },
            ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<QueuedRunStatus?> GetRunAsync(RunId run, CancellationToken ct = default)
    {
        return await RunAsync(
            async connection =>
            {
                await using var command = Command(
                    connection,
                    """
                    SELECT r.origin, r.backfill_id, r.priority, r.enqueued_at, r.cancel_requested,
                           q.asset, q.partition, q.state, q.attempt, q.worker_id, q.note, q.cause, q.error_type, q.materialization_id,
                           q.row_count, q.data_version, q.step_attempts, q.duration_ticks, q.warnings, q.updated_at
                    FROM queue_runs r JOIN queue_steps q ON q.run_seq = r.seq
                    WHERE r.run_id = @run ORDER BY q.position
                    """,
                    ("run", run.Value));
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                QueuedRunStatus? status = null;
                var steps = new List<QueuedStepStatus>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    status ??= new QueuedRunStatus(
                        run,
                        Origin(reader.GetInt16(0), reader.IsDBNull(1) ? null : reader.GetString(1)),
                        Priority(reader.GetInt16(2)),
                        StoredForm.Instant(reader.GetInt64(3)),
                        reader.GetBoolean(4),
                        steps);
                    steps.Add(ReadStep(reader));
                }

                return status;
            },
            ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueuedRunSummary>> ListRunsAsync(int limit, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return await RunAsync(
            async connection =>
            {
                await using var command = Command(
                    connection,
                    """
                    SELECT r.run_id, r.origin, r.backfill_id, r.priority, r.enqueued_at, r.cancel_requested, q.state, count(*)
                    FROM (SELECT * FROM queue_runs ORDER BY seq DESC LIMIT @limit) r JOIN queue_steps q ON q.run_seq = r.seq
                    GROUP BY r.seq, r.run_id, r.origin, r.backfill_id, r.priority, r.enqueued_at, r.cancel_requested, q.state
                    ORDER BY r.seq DESC, q.state
                    """,
                    ("limit", limit));
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                var runs = new List<QueuedRunSummary>();
                Dictionary<QueuedStepState, int>? counts = null;
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    var id = RunId.Parse(reader.GetString(0));
                    if (runs.Count == 0 || runs[^1].Run != id)
                    {
                        counts = [];
                        runs.Add(new QueuedRunSummary(
                            id,
                            Origin(reader.GetInt16(1), reader.IsDBNull(2) ? null : reader.GetString(2)),
                            Priority(reader.GetInt16(3)),
                            StoredForm.Instant(reader.GetInt64(4)),
                            reader.GetBoolean(5),
                            counts));
                    }

                    counts![State(reader.GetInt16(6))] = (int)reader.GetInt64(7);
                }

                return runs;
            },
            ct).ConfigureAwait(false);
    }

    private static QueuedStepStatus ReadStep(NpgsqlDataReader reader)
    {
        var partition = new AssetPartition(AssetKey.Parse(reader.GetString(5)), StoredForm.Partition(reader.GetString(6)));
        var state = State(reader.GetInt16(7));
        var cause = reader.IsDBNull(11) ? null : reader.GetString(11);
        StepResult? result = null;
        if (state >= QueuedStepState.Published)
        {
            var outcome = state switch
            {
                QueuedStepState.Published => StepOutcome.Published,
                QueuedStepState.Failed => StepOutcome.Failed,
                QueuedStepState.Skipped => StepOutcome.Skipped,
                QueuedStepState.Quarantined => StepOutcome.Quarantined,
                QueuedStepState.Waiting => StepOutcome.Waiting,
                _ => StepOutcome.Cancelled,
            };
            result = reader.IsDBNull(16)
                ? StepResult.NotRun(partition, outcome, cause ?? string.Empty)
                : new StepResult(
                    partition,
                    outcome,
                    reader.GetInt32(16),
                    Duration.FromTicks(reader.IsDBNull(17) ? 0 : reader.GetInt64(17)),
                    cause,
                    reader.IsDBNull(12) ? null : reader.GetString(12),
                    reader.IsDBNull(13) ? null : MaterializationId.Parse(reader.GetString(13)),
                    reader.IsDBNull(14) ? null : reader.GetInt64(14),
                    reader.IsDBNull(15) ? null : reader.GetString(15),
                    [],
                    reader.IsDBNull(18) ? [] : reader.GetFieldValue<string[]>(18));
        }

        return new QueuedStepStatus(
            partition,
            state,
            reader.GetInt32(8),
            reader.IsDBNull(9) ? null : WorkerId.Parse(reader.GetString(9)),
            reader.IsDBNull(10) ? null : reader.GetString(10),
            result,
            StoredForm.Instant(reader.GetInt64(19)));
    }

    private static QueuedStepState State(short code)
        => code is >= 0 and <= (short)QueuedStepState.Cancelled
            ? (QueuedStepState)code
            : throw new InvalidDataException($"The step queue holds step state code {code}, which this version of Assets does not know: upgrade Assets.");
}

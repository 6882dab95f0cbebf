using Assets.Execution.Queue;
using NodaTime;

namespace Assets.Storage.Metadata.Postgres;

public sealed partial class PostgresStepQueue
{
    /// <inheritdoc />
    public async Task<QueuePruning> PruneAsync(Instant before, CancellationToken ct = default)
    {
        // One statement: a run goes with its steps and edges or not at all (the foreign key is checked at its end). A run
        // is finished when no step is open (pending, ready, running), and no step reopens once all have ended; its end is
        // the later of its finish mark and its last step's update (the mark is set by a later claim, which may never come
        // on an idle queue). Two pruners at once: the second finds the rows gone and counts nothing.
        return await RunAsync(
            async connection =>
            {
                await using var command = Command(
                    connection,
                    """
                    WITH pruned AS (
                        SELECT r.seq FROM queue_runs r
                        WHERE NOT EXISTS (SELECT 1 FROM queue_steps q WHERE q.run_seq = r.seq AND q.state <= 2)
                          AND COALESCE(GREATEST(r.finished_at, (SELECT max(q.updated_at) FROM queue_steps q WHERE q.run_seq = r.seq)), r.enqueued_at) < @before),
                    edges AS (DELETE FROM queue_edges WHERE run_seq IN (SELECT seq FROM pruned)),
                    steps AS (DELETE FROM queue_steps WHERE run_seq IN (SELECT seq FROM pruned) RETURNING 1),
                    runs AS (DELETE FROM queue_runs WHERE seq IN (SELECT seq FROM pruned) RETURNING 1),
                    workers AS (DELETE FROM queue_workers WHERE heartbeat_at < @before RETURNING 1)
                    SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM steps), (SELECT count(*) FROM workers)
                    """,
                    ("before", StoredForm.Ticks(before)));
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await reader.ReadAsync(ct).ConfigureAwait(false);
                return new QueuePruning((int)reader.GetInt64(0), (int)reader.GetInt64(1), (int)reader.GetInt64(2));
            },
            ct).ConfigureAwait(false);
    }
}

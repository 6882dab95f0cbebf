using System.Diagnostics;
using Assets.Execution;
using Assets.Execution.Queue;
using Assets.Graph;
using Assets.Partitions;
using Assets.Storage.Metadata.Postgres;
using Npgsql;
using NodaTime;

namespace Assets.Benchmarks;

/// <summary>
/// The step queue alone, no work: a run of steps is enqueued, then 1, 2 and 4 worker loops (8 slots each, in this
/// process, each on its own connections) claim up to 8 ready steps, renew their claims once and complete each step as
/// published, until the run is done; a loop that finds nothing waits on a session for a notification. Three of four steps depend on the step before them, so completions make steps
/// ready as they would in a real run. Figures: enqueue and end-to-end steps per second for each number of loops. Needs
/// a PostgreSQL server: set <c>ASSETS_BENCH_POSTGRES</c> (a schema of its own per round, dropped afterwards).
/// </summary>
public sealed class StepQueueThroughputBenchmark : IBenchmark
{
    private const int Slots = 8;
    private static readonly Duration Lease = Duration.FromMinutes(1);

    public string Name => "step-queue";

    public async Task RunAsync(bool quick, Report report)
    {
        if (Environment.GetEnvironmentVariable("ASSETS_BENCH_POSTGRES") is not { Length: > 0 } server)
        {
            report.Note("step-queue skipped: set ASSETS_BENCH_POSTGRES to a PostgreSQL connection string");
            return;
        }

        var steps = quick ? 2_000 : 10_000;
        var admin = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Parse(server).ConnectionString) { Pooling = false }.ConnectionString;
        report.Note($"step queue: {steps} steps a round (3 of 4 depend on the one before), {Slots} slots a worker, claim + renew + complete per step");
        foreach (var workers in new[] { 1, 2, 4 })
        {
            var schema = "bench_" + Guid.NewGuid().ToString("N");
            await ExecuteAsync(admin, $"CREATE SCHEMA {schema}");
            try
            {
                var connectionString = new NpgsqlConnectionStringBuilder(admin) { SearchPath = schema, Pooling = true }.ConnectionString;
                var baseline = await BaselineAsync(connectionString, steps, workers);
                var (enqueue, run) = await RoundAsync(connectionString, steps, workers);
                report.Figure($"step_queue_enqueue_steps_per_s_{workers}_workers", steps / enqueue.TotalSeconds, "steps/s");
                report.Figure($"step_queue_steps_per_s_{workers}_workers", steps / run.TotalSeconds, "steps/s");
                report.Figure($"step_queue_baseline_updates_per_s_{workers}_workers", steps / baseline.TotalSeconds, "updates/s");
                report.Figure($"step_queue_vs_baseline_{workers}_workers", baseline.TotalSeconds / run.TotalSeconds, "x");
            }
            finally
            {
                await ExecuteAsync(admin, $"DROP SCHEMA {schema} CASCADE");
            }
        }
    }

    private static async Task<(TimeSpan Enqueue, TimeSpan Run)> RoundAsync(string connectionString, int count, int workers)
    {
        var asset = AssetKey.Parse("tiny");
        var partitions = Enumerable.Range(0, count).Select(i => new AssetPartition(asset, new PartitionKey($"p{i:000000}"))).ToArray();
        var run = new QueuedRun(
            RunId.New(),
            RunOrigin.Materialize,
            StepPriority.Current,
            null,
            partitions.Select((p, i) => new QueuedStep(new ExecutionStep(p, i % 4 == 0 ? [] : [partitions[i - 1]]), "v1")).ToArray());
        var versions = new Dictionary<AssetKey, string> { [asset] = "v1" };

        // Each loop opens its own queue (its own pool), as a worker process would.
        var queues = new List<PostgresStepQueue>();
        for (var i = 0; i < workers; i++)
        {
            queues.Add(await PostgresStepQueue.OpenAsync(connectionString, SystemClock.Instance));
        }

        try
        {
            var enqueue = Stopwatch.StartNew();
            await queues[0].EnqueueAsync(run, SystemClock.Instance.GetCurrentInstant());
            enqueue.Stop();

            var ids = new List<WorkerId>();
            foreach (var queue in queues)
            {
                var id = WorkerId.New("bench", Environment.ProcessId);
                await queue.RegisterWorkerAsync(new QueueWorker(id, "bench", Environment.ProcessId, Slots, SystemClock.Instance.GetCurrentInstant()));
                ids.Add(id);
            }

            var done = 0;
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(queues.Select((queue, i) => Task.Run(async () =>
            {
                // Like a worker, a loop with nothing to claim waits for a notification (or 100 ms) instead of asking again.
                await using var session = await queue.OpenSessionAsync();
                while (Volatile.Read(ref done) < count)
                {
                    var now = SystemClock.Instance.GetCurrentInstant();
                    var claims = await queue.ClaimAsync(new ClaimRequest(ids[i], Slots, versions, now, Lease, Duration.FromMinutes(1)));
                    if (claims.Count == 0)
                    {
                        await session.WaitForChangeAsync(Duration.FromMilliseconds(100));
                        continue;
                    }

                    await queue.RenewAsync(claims, now, Lease);
                    foreach (var claim in claims)
                    {
                        var result = new StepResult(claim.Partition, StepOutcome.Published, 1, Duration.Zero, null, null, null, 1, "v", [], []);
                        if (!await queue.CompleteAsync(claim, result, now))
                        {
                            throw new InvalidOperationException($"The claim of {claim.Partition} was lost mid-benchmark.");
                        }
                    }

                    Interlocked.Add(ref done, claims.Count);
                }
            })));
            watch.Stop();
            if ((await queues[0].GetRunAsync(run.Id))?.Outcome != RunOutcome.Completed)
            {
                throw new InvalidOperationException("The benchmark's run did not complete.");
            }

            return (enqueue.Elapsed, watch.Elapsed);
        }
        finally
        {
            foreach (var queue in queues)
            {
                await queue.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// The floor to compare with: the same number of loops committing one single-row UPDATE per step (one round trip
    /// and one commit each, as a completion is), with nothing of the queue.
    /// </summary>
    private static async Task<TimeSpan> BaselineAsync(string connectionString, int count, int workers)
    {
        await ExecuteAsync(connectionString, "CREATE TABLE bench_baseline (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)");
        await ExecuteAsync(connectionString, $"INSERT INTO bench_baseline SELECT g, 0 FROM generate_series(0, {count - 1}) g");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var command = new NpgsqlCommand("UPDATE bench_baseline SET n = n + 1 WHERE id = @id", connection);
            var id = new NpgsqlParameter<int>("id", 0);
            command.Parameters.Add(id);
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                id.TypedValue = i;
                await command.ExecuteNonQueryAsync();
            }
        })));
        return watch.Elapsed;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

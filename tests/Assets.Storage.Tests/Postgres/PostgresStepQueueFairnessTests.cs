using System.Collections.Concurrent;
using System.Diagnostics;
using Assets.Backfills;
using Assets.Execution;
using Assets.Execution.Queue;
using Assets.Storage.Metadata.Postgres;
using NodaTime;
using static Assets.Storage.Tests.Postgres.StepQueueHarness;

namespace Assets.Storage.Tests.Postgres;

/// <summary>
/// The step queue across workers: current work before backfills, the pool's last free slot never to a backfill, each
/// backfill's limit over all its runs, dead workers out of the pool, concurrent claimers never sharing a step, and
/// sessions woken by notifications rather than their poll interval.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresStepQueueFairnessTests(PostgresCluster cluster) : IAsyncLifetime
{
    private PostgresStepQueue _queue = null!;
    private string _connectionString = string.Empty;

    public async Task InitializeAsync()
    {
        _connectionString = await cluster.CreateSchemaAsync();
        _queue = await PostgresStepQueue.OpenAsync(_connectionString, new NodaTime.Testing.FakeClock(Start));
    }

    public async Task DisposeAsync() => await _queue.DisposeAsync();

    private static QueuedStep[] Days(string asset, int from, int to) => Enumerable.Range(from, to - from + 1).Select(d => Step(P(asset, d))).ToArray();

    [Fact]
    public async Task Backfill_NeverTakesThePoolsLastFreeSlot_AndCurrentWorkGoesFirst()
    {
        // The pool: w1 (3 slots) and w2 (2 slots) alive, w3 (4 slots) silent past the worker TTL, so 5 slots.
        var w1 = await RegisterAsync(_queue, "w1", 3);
        var w2 = await RegisterAsync(_queue, "w2", 2);
        await RegisterAsync(_queue, "w3", 4, Start - WorkerTtl - Duration.FromSeconds(1));
        var backfill = Backfill(BackfillId.New(), null, Days("a", 1, 9));
        await _queue.EnqueueAsync(backfill, Start);

        Assert.Equal(3, (await ClaimAsync(_queue, w1, 3)).Count);
        // 3 of 5 slots busy: one more backfill step leaves one free; a second would take the last.
        Assert.Single(await ClaimAsync(_queue, w2, 2));
        Assert.Empty(await ClaimAsync(_queue, w2, 1));

        // Current work enqueued after the backfill is claimed first, and may take the last slot.
        var current = Run(Days("b", 1, 3));
        await _queue.EnqueueAsync(current, Start);
        var claimed = await ClaimAsync(_queue, w2, 1);
        Assert.Equal([P("b", 1)], claimed.Select(c => c.Partition));
        Assert.Equal(StepPriority.Current, claimed[0].Priority);

        var workers = (await _queue.ListWorkersAsync(Start, WorkerTtl)).OrderBy(w => w.Worker.Id.Value).ToList();
        Assert.Equal([true, true, false], workers.Select(w => w.IsAlive));
        Assert.Equal([3, 2, 0], workers.Select(w => w.RunningSteps));
    }

    [Fact]
    public async Task Backfill_RunsInAPoolOfOneSlot_WhichHasNoSlotToKeep()
    {
        var worker = await RegisterAsync(_queue, "w1", 1);
        await _queue.EnqueueAsync(Backfill(BackfillId.New(), null, Days("a", 1, 2)), Start);

        var claim = Assert.Single(await ClaimAsync(_queue, worker, 1));
        Assert.Empty(await ClaimAsync(_queue, worker, 1));
        Assert.True(await _queue.CompleteAsync(claim, Published(claim.Partition), Start));
        Assert.Equal([P("a", 2)], (await ClaimAsync(_queue, worker, 1)).Select(c => c.Partition));
    }

    [Fact]
    public async Task Backfill_KeepsItsConcurrencyLimit_OverAllItsRuns()
    {
        var worker = await RegisterAsync(_queue, "w1", 20);
        var id = BackfillId.New();
        var first = Backfill(id, 3, Days("a", 1, 4));
        var second = Backfill(id, 3, Days("a", 5, 8));
        var other = Backfill(BackfillId.New(), 2, Days("b", 1, 4));
        await _queue.EnqueueAsync(first, Start);
        await _queue.EnqueueAsync(second, Start);
        await _queue.EnqueueAsync(other, Start);

        var claims = await ClaimAsync(_queue, worker, 20);
        Assert.Equal(3, claims.Count(c => c.Origin.Backfill == id));
        Assert.Equal(2, claims.Count(c => c.Origin.Backfill == other.Origin.Backfill));
        Assert.Equal([P("a", 1), P("a", 2), P("a", 3)], claims.Where(c => c.Origin.Backfill == id).Select(c => c.Partition));
        Assert.Empty(await ClaimAsync(_queue, worker, 20));

        Assert.True(await _queue.CompleteAsync(claims[0], Published(claims[0].Partition), Start));
        Assert.Equal([P("a", 4)], (await ClaimAsync(_queue, worker, 20)).Select(c => c.Partition));
        Assert.Empty(await ClaimAsync(_queue, worker, 20));
    }

    [Fact]
    public async Task ConcurrentClaimers_NeverGetTheSameStep()
    {
        const int steps = 240;
        var workers = new List<WorkerId>();
        for (var i = 0; i < 4; i++)
        {
            workers.Add(await RegisterAsync(_queue, $"w{i}", 4));
        }

        // Four runs of 60 steps each; each worker claims up to 3 at a time and completes what it got, until all is done.
        var runs = Enumerable.Range(0, 4).Select(r => Run(Enumerable.Range(0, steps / 4).Select(i => new QueuedStep(new ExecutionStep(new Graph.AssetPartition(AssetKey.Parse($"a{r}/s{i}"), null), []), "v1")).ToArray())).ToList();
        foreach (var run in runs)
        {
            await _queue.EnqueueAsync(run, Start);
        }

        var versions = runs.SelectMany(r => r.Steps).ToDictionary(s => s.Step.Partition.Asset, s => s.CodeVersion);
        var claimed = new ConcurrentBag<StepClaim>();
        await Task.WhenAll(workers.Select(worker => Task.Run(async () =>
        {
            var idle = 0;
            while (idle < 3)
            {
                var got = await ClaimAsync(_queue, worker, 3, versions: versions);
                idle = got.Count == 0 ? idle + 1 : 0;
                foreach (var claim in got)
                {
                    claimed.Add(claim);
                    Assert.True(await _queue.CompleteAsync(claim, Published(claim.Partition), Start));
                }
            }
        })));

        Assert.Equal(steps, claimed.Count);
        Assert.Equal(steps, claimed.Select(c => (c.Run, c.Partition)).Distinct().Count());
        Assert.All(claimed, c => Assert.Equal(1, c.Attempt));
        Assert.True(claimed.Select(c => c.Worker).Distinct().Count() > 1, "the claims were not shared between workers");
        foreach (var run in runs)
        {
            Assert.Equal(RunOutcome.Completed, (await _queue.GetRunAsync(run.Id))!.Outcome);
        }
    }

    [Fact]
    public async Task Session_IsWokenByAnEnqueue_LongBeforeItsPollInterval()
    {
        await using var session = await _queue.OpenSessionAsync();
        Assert.False(await session.WaitForChangeAsync(Duration.FromMilliseconds(200)));

        // Another process's queue (its own connection pool) enqueues while the session waits for up to a minute.
        await using var other = await PostgresStepQueue.OpenAsync(_connectionString, new NodaTime.Testing.FakeClock(Start));
        var clock = Stopwatch.StartNew();
        var wait = session.WaitForChangeAsync(Duration.FromMinutes(1));
        await Task.Delay(300);
        Assert.False(wait.IsCompleted);
        await other.EnqueueAsync(Run(Step(P("a"))), Start);
        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"woken after {clock.Elapsed}");

        // A change made while nobody waited is not lost: the next wait returns at once.
        await other.CancelRunAsync(RunId.New(), "nothing to cancel", Start);
        await Task.Delay(200);
        Assert.True(await session.WaitForChangeAsync(Duration.FromSeconds(30)));
    }
}

using Assets.Execution;
using Assets.Execution.Queue;
using Assets.Storage.Metadata.Postgres;
using NodaTime;
using static Assets.Storage.Tests.Postgres.StepQueueHarness;

namespace Assets.Storage.Tests.Postgres;

/// <summary>
/// The step queue's readiness, skips, claim tokens, code versions and cancellation against a real server: what a
/// worker may run and when, and what a waiting <c>materialize</c> reads.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresStepQueueTests(PostgresCluster cluster) : IAsyncLifetime
{
    private PostgresStepQueue _queue = null!;
    private WorkerId _worker;

    public async Task InitializeAsync()
    {
        _queue = await OpenAsync(cluster);
        _worker = await RegisterAsync(_queue, "w1", 8);
    }

    public async Task DisposeAsync() => await _queue.DisposeAsync();

    [Fact]
    public async Task Claim_TakesOnlyStepsWhoseUpstreamPublished_InTheRunsOrder()
    {
        // a -> b -> c, and d on its own: a and d are ready at once, b only after a published, c after b.
        var run = Run(Step(P("a")), Step(P("b"), P("a")), Step(P("c"), P("b")), Step(P("d")));
        await _queue.EnqueueAsync(run, Start);

        var first = await ClaimAsync(_queue, _worker, 10);
        Assert.Equal([P("a"), P("d")], first.Select(c => c.Partition));
        Assert.All(first, c => Assert.Equal(1, c.Attempt));
        Assert.Empty(await ClaimAsync(_queue, _worker, 10));
        Assert.Equal(QueuedStepState.Pending, (await StepsAsync(_queue, run.Id))[P("b")].State);

        Assert.True(await _queue.CompleteAsync(first[0], Published(P("a")), Start));
        var second = await ClaimAsync(_queue, _worker, 10);
        var b = Assert.Single(second);
        Assert.Equal(P("b"), b.Partition);
        Assert.Equal([P("a")], b.Step.DependsOn);
        Assert.Equal("v1", b.CodeVersion);

        Assert.True(await _queue.CompleteAsync(b, Published(P("b")), Start));
        Assert.True(await _queue.CompleteAsync(first[1], Published(P("d")), Start));
        var c = Assert.Single(await ClaimAsync(_queue, _worker, 10));
        Assert.True(await _queue.CompleteAsync(c, Published(P("c")), Start));

        var status = (await _queue.GetRunAsync(run.Id))!;
        Assert.True(status.IsFinished);
        Assert.Equal(RunOutcome.Completed, status.Outcome);
        Assert.All(status.Steps, s => Assert.Equal(QueuedStepState.Published, s.State));
        Assert.Equal(10, status.Steps[0].Result!.Rows);
    }

    [Theory]
    [InlineData(StepOutcome.Failed, "upstream a[2026-01-05] failed")]
    [InlineData(StepOutcome.Quarantined, "upstream a[2026-01-05] was quarantined")]
    [InlineData(StepOutcome.Waiting, "upstream a[2026-01-05] is waiting for its source")]
    public async Task Complete_WithoutPublishing_SkipsEverythingDownstream_WithTheExecutorsWords(StepOutcome outcome, string cause)
    {
        // a -> b -> c, a -> d, e -> b; f on its own. Only b, c and d are downstream of a.
        var run = Run(
            Step(P("a")), Step(P("e")), Step(P("b"), P("a"), P("e")), Step(P("c"), P("b")), Step(P("d"), P("a")), Step(P("f")));
        await _queue.EnqueueAsync(run, Start);
        var claims = await ClaimAsync(_queue, _worker, 10);
        Assert.Equal([P("a"), P("e"), P("f")], claims.Select(c => c.Partition));

        Assert.True(await _queue.CompleteAsync(claims[0], Ended(P("a"), outcome, "boom"), Start));

        var steps = await StepsAsync(_queue, run.Id);
        Assert.Equal(outcome.ToString(), steps[P("a")].State.ToString());
        Assert.Equal("boom", steps[P("a")].Result!.Cause);
        foreach (var skipped in new[] { P("b"), P("c"), P("d") })
        {
            Assert.Equal(QueuedStepState.Skipped, steps[skipped].State);
            Assert.Equal(cause, steps[skipped].Result!.Cause);
            Assert.Equal(StepOutcome.Skipped, steps[skipped].Result!.Outcome);
        }

        Assert.Equal(QueuedStepState.Running, steps[P("e")].State);
        Assert.Equal(QueuedStepState.Running, steps[P("f")].State);

        // e publishing later readies nothing: b was skipped, not pending.
        Assert.True(await _queue.CompleteAsync(claims[1], Published(P("e")), Start));
        Assert.Empty(await ClaimAsync(_queue, _worker, 10));
        Assert.True(await _queue.CompleteAsync(claims[2], Published(P("f")), Start));
        var status = (await _queue.GetRunAsync(run.Id))!;
        Assert.True(status.IsFinished);
        Assert.Equal(outcome == StepOutcome.Waiting ? RunOutcome.Completed : RunOutcome.Failed, status.Outcome);
    }

    [Fact]
    public async Task ExpiredClaim_IsClaimedAgainAsTheNextAttempt_AndTheOldHoldersRenewalAndCompletionAreRefused()
    {
        var run = Run(Step(P("a")), Step(P("b"), P("a")));
        await _queue.EnqueueAsync(run, Start);
        var w2 = await RegisterAsync(_queue, "w2", 2);
        var first = Assert.Single(await ClaimAsync(_queue, _worker, 1));

        // Renewed before it lapsed, the claim holds past its first expiry.
        Assert.Equal([ClaimStatus.Held], await _queue.RenewAsync([first], Start + Duration.FromSeconds(20), Lease));
        Assert.Empty(await ClaimAsync(_queue, w2, 1, Start + Duration.FromSeconds(40)));

        // Not renewed again, it lapses at 50 s: the next claim takes the step as attempt 2.
        var second = Assert.Single(await ClaimAsync(_queue, w2, 1, Start + Duration.FromSeconds(51)));
        Assert.Equal(P("a"), second.Partition);
        Assert.Equal(2, second.Attempt);
        Assert.Equal(w2, second.Worker);

        Assert.Equal([ClaimStatus.Lost], await _queue.RenewAsync([first], Start + Duration.FromSeconds(52), Lease));
        Assert.False(await _queue.CompleteAsync(first, Published(P("a")), Start + Duration.FromSeconds(53)));
        var a = (await StepsAsync(_queue, run.Id))[P("a")];
        Assert.Equal((QueuedStepState.Running, 2, (WorkerId?)w2), (a.State, a.Attempt, a.Worker));
        Assert.Equal(QueuedStepState.Pending, (await StepsAsync(_queue, run.Id))[P("b")].State);

        Assert.True(await _queue.CompleteAsync(second, Published(P("a")), Start + Duration.FromSeconds(54)));
        Assert.False(await _queue.CompleteAsync(second, Published(P("a")), Start + Duration.FromSeconds(55)));
        Assert.Equal(P("b"), Assert.Single(await ClaimAsync(_queue, _worker, 1, Start + Duration.FromSeconds(56))).Partition);
    }

    [Fact]
    public async Task StepWhoseClaimsKeepLapsing_FailsAtTheAttemptLimit_AndSkipsItsDownstream()
    {
        var run = Run(Step(P("a")), Step(P("b"), P("a")));
        await _queue.EnqueueAsync(run, Start);
        ClaimRequest At(int seconds) => new(_worker, 1, Versions("v1", "a", "b"), Start + Duration.FromSeconds(seconds), Lease, WorkerTtl) { MaxAttempts = 2 };

        Assert.Equal(1, Assert.Single(await _queue.ClaimAsync(At(0))).Attempt);
        Assert.Equal(2, Assert.Single(await _queue.ClaimAsync(At(31))).Attempt);
        Assert.Empty(await _queue.ClaimAsync(At(62)));

        var steps = await StepsAsync(_queue, run.Id);
        Assert.Equal(QueuedStepState.Failed, steps[P("a")].State);
        Assert.Equal(
            "claimed 2 times, and each claim lapsed without an outcome: the workers that ran it died or stalled past the step lease (the last was w1; see its log)",
            steps[P("a")].Result!.Cause);
        Assert.Equal((QueuedStepState.Skipped, "upstream a[2026-01-05] failed"), (steps[P("b")].State, steps[P("b")].Result!.Cause));
        Assert.Equal(RunOutcome.Failed, (await _queue.GetRunAsync(run.Id))!.Outcome);
    }

    [Fact]
    public async Task Release_AndDeregister_GiveClaimsBack_ForTheNextAttempt()
    {
        var run = Run(Step(P("a")), Step(P("b")));
        await _queue.EnqueueAsync(run, Start);
        var claims = await ClaimAsync(_queue, _worker, 2);

        Assert.True(await _queue.ReleaseAsync(claims[0]));
        Assert.False(await _queue.ReleaseAsync(claims[0]));
        var w2 = await RegisterAsync(_queue, "w2", 2);
        var again = Assert.Single(await ClaimAsync(_queue, w2, 2));
        Assert.Equal((P("a"), 2), (again.Partition, again.Attempt));

        await _queue.DeregisterWorkerAsync(_worker);
        Assert.Equal([ClaimStatus.Lost], await _queue.RenewAsync([claims[1]], Start, Lease));
        var b = Assert.Single(await ClaimAsync(_queue, w2, 2));
        Assert.Equal((P("b"), 2), (b.Partition, b.Attempt));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ClaimAsync(_queue, _worker, 1));
        Assert.Contains("not registered", error.Message, StringComparison.Ordinal);
        Assert.False(await _queue.HeartbeatWorkerAsync(_worker, Start));
    }

    [Fact]
    public async Task StepOfAnotherCodeVersion_IsLeftForAMatchingWorker_AndItsStateSaysWhy()
    {
        var run = Run(new QueuedStep(new ExecutionStep(P("a"), []), "v2"), new QueuedStep(new ExecutionStep(P("b"), []), "v2"));
        await _queue.EnqueueAsync(run, Start);

        Assert.Empty(await ClaimAsync(_queue, _worker, 4, versions: new Dictionary<AssetKey, string> { [AssetKey.Parse("a")] = "v1" }));
        var steps = await StepsAsync(_queue, run.Id);
        Assert.Equal(QueuedStepState.Ready, steps[P("a")].State);
        Assert.Equal("waiting for a worker with code version v2; worker w1 runs v1", steps[P("a")].Note);
        Assert.Equal("waiting for a worker with code version v2; worker w1 does not define b", steps[P("b")].Note);

        var w2 = await RegisterAsync(_queue, "w2", 4);
        var claims = await ClaimAsync(_queue, w2, 4, versions: Versions("v2", "a", "b"));
        Assert.Equal([P("a"), P("b")], claims.Select(c => c.Partition));
        Assert.All((await StepsAsync(_queue, run.Id)).Values, s => Assert.Null(s.Note));
    }

    [Fact]
    public async Task Cancel_CancelsStepsNotStarted_AndAsksRunningOnesToStop()
    {
        var run = Run(Step(P("a")), Step(P("b"), P("a")), Step(P("c")));
        await _queue.EnqueueAsync(run, Start);
        var a = (await ClaimAsync(_queue, _worker, 1)).Single();

        Assert.Equal(2, await _queue.CancelRunAsync(run.Id, "cancelled by alice", Start));
        var steps = await StepsAsync(_queue, run.Id);
        Assert.Equal((QueuedStepState.Cancelled, "cancelled by alice"), (steps[P("b")].State, steps[P("b")].Result!.Cause));
        Assert.Equal(QueuedStepState.Cancelled, steps[P("c")].State);
        Assert.Empty(await ClaimAsync(_queue, _worker, 4));

        Assert.Equal([ClaimStatus.CancelRequested], await _queue.RenewAsync([a], Start, Lease));
        Assert.True(await _queue.CompleteAsync(a, Ended(P("a"), StepOutcome.Cancelled, "the run was cancelled"), Start));
        var status = (await _queue.GetRunAsync(run.Id))!;
        Assert.True(status.CancelRequested);
        Assert.Equal(RunOutcome.Cancelled, status.Outcome);
        Assert.Equal(0, await _queue.CancelRunAsync(RunId.New(), "nothing", Start));

        var listed = Assert.Single(await _queue.ListRunsAsync(10));
        Assert.Equal((run.Id, true, true), (listed.Run, listed.CancelRequested, listed.IsFinished));
        Assert.Equal(new Dictionary<QueuedStepState, int> { [QueuedStepState.Cancelled] = 3 }, listed.Counts);
    }

    [Fact]
    public async Task ListRuns_CountsEachRunsStepsByState_NewestFirst()
    {
        var older = Run(Step(P("a")), Step(P("b"), P("a")));
        var newer = Backfill(Backfills.BackfillId.New(), 2, Step(P("c")));
        await _queue.EnqueueAsync(older, Start);
        await _queue.EnqueueAsync(newer, Start + Duration.FromSeconds(1));
        await ClaimAsync(_queue, _worker, 1);

        var runs = await _queue.ListRunsAsync(10);
        Assert.Equal([newer.Id, older.Id], runs.Select(r => r.Run));
        Assert.Equal(new Dictionary<QueuedStepState, int> { [QueuedStepState.Ready] = 1 }, runs[0].Counts);
        Assert.Equal(new Dictionary<QueuedStepState, int> { [QueuedStepState.Running] = 1, [QueuedStepState.Pending] = 1 }, runs[1].Counts);
        Assert.Equal((RunOriginKind.Backfill, StepPriority.Backfill), (runs[0].Origin.Kind, runs[0].Priority));
        Assert.Single(await _queue.ListRunsAsync(1));
    }

    [Fact]
    public async Task RangeRun_IsClaimedWhole_AsOneSlot_OnlyOnceEveryMemberIsReady()
    {
        var range = new[] { P("b", 5), P("b", 6), P("b", 7) };
        QueuedStep Member(int i, params Graph.AssetPartition[] deps)
            => new(new ExecutionStep(range[i], deps) { RunsWith = range }, "v1");
        var run = Run(Step(P("a", 7)), Member(0), Member(1), Member(2, P("a", 7)));
        await _queue.EnqueueAsync(run, Start);

        // b[07] waits for a[07], so the range waits whole.
        var a = Assert.Single(await ClaimAsync(_queue, _worker, 4));
        Assert.Equal(P("a", 7), a.Partition);
        Assert.True(await _queue.CompleteAsync(a, Published(a.Partition), Start));

        var members = await ClaimAsync(_queue, _worker, 1);
        Assert.Equal(range, members.Select(c => c.Partition));
        Assert.All(members, m => Assert.Equal(range, m.Step.RunsWith));
    }

    [Fact]
    public async Task Enqueue_TheSameRunTwice_IsRefused_AndChangesNothing()
    {
        var run = Run(Step(P("a")));
        await _queue.EnqueueAsync(run, Start);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _queue.EnqueueAsync(run, Start));
        Assert.Contains("queued already", error.Message, StringComparison.Ordinal);
        Assert.Single((await _queue.GetRunAsync(run.Id))!.Steps);
        Assert.Null(await _queue.GetRunAsync(RunId.New()));
    }

    [Fact]
    public async Task Prune_RemovesOnlyRunsFinishedBeforeTheCutoff_WithTheirSteps_AndSilentWorkers()
    {
        // Finished at Start + 1h; another finished at Start + 3h; one still open (b waits for a, which is running).
        var old = Run(Step(P("a")), Step(P("b"), P("a")));
        await _queue.EnqueueAsync(old, Start);
        var a = Assert.Single(await ClaimAsync(_queue, _worker, 10));
        Assert.True(await _queue.CompleteAsync(a, Ended(P("a"), StepOutcome.Failed, "boom"), Start + Duration.FromHours(1)));
        var recent = Run(Step(P("c")));
        await _queue.EnqueueAsync(recent, Start);
        var c = Assert.Single(await ClaimAsync(_queue, _worker, 10));
        Assert.True(await _queue.CompleteAsync(c, Published(P("c")), Start + Duration.FromHours(3)));
        var open = Run(Step(P("d")), Step(P("e"), P("d")));
        await _queue.EnqueueAsync(open, Start);
        Assert.Single(await ClaimAsync(_queue, _worker, 10));
        var silent = await RegisterAsync(_queue, "w-silent", 1, Start - Duration.FromDays(30));
        Assert.True(await _queue.HeartbeatWorkerAsync(_worker, Start + Duration.FromHours(2)));

        var pruned = await _queue.PruneAsync(Start + Duration.FromHours(2));

        Assert.Equal(new QueuePruning(1, 2, 1), pruned);
        Assert.Null(await _queue.GetRunAsync(old.Id));
        Assert.NotNull(await _queue.GetRunAsync(recent.Id));
        Assert.Equal(2, (await _queue.GetRunAsync(open.Id))!.Steps.Count);
        var workers = await _queue.ListWorkersAsync(Start + Duration.FromHours(2), WorkerTtl);
        Assert.Equal([_worker], workers.Select(w => w.Worker.Id));
        Assert.DoesNotContain(silent, workers.Select(w => w.Worker.Id));

        // Again: nothing more is old enough; the open run stays whatever the cutoff while a step is open.
        Assert.Equal(new QueuePruning(0, 0, 0), await _queue.PruneAsync(Start + Duration.FromHours(2)));
        var later = await _queue.PruneAsync(Start + Duration.FromDays(365));
        Assert.Equal((1, 1), (later.Runs, later.Steps));
        Assert.NotNull(await _queue.GetRunAsync(open.Id));
    }
}

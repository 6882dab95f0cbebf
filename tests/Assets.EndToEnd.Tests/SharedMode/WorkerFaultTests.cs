using System.Diagnostics;
using Assets.Execution.Queue;
using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using Assets.Storage.Metadata.Postgres;
using Assets.Storage.Tests.Postgres;
using NodaTime;

namespace Assets.EndToEnd.Tests.SharedMode;

/// <summary>
/// <c>worker</c> processes and <c>materialize</c> with <c>Assets:Execution:Mode=Workers</c>, as real processes against a real
/// PostgreSQL server, through the faults a pool of workers meets: a worker killed mid-step, a worker stalled past its
/// claim (SIGSTOP) that wakes up after another finished its step, a run queued while no worker runs, and a step of
/// another code version. A step is held mid-way by a source file that is a named pipe: reading it blocks (after the step
/// took its claim and its partition's lease) until the test replaces it with the real file or writes into it.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class WorkerFaultTests(PostgresCluster cluster) : SharedRoot(cluster, "workers")
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private static readonly AssetPartition HeldDay = new(AssetKey.Parse("raw_orders"), new PartitionKey("2026-01-10"));

    private string _source = string.Empty;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _source = Root + "-source";
        TestFiles.CopyFolder(Path.Combine(ExampleProgram.RepositoryRoot(), "example-assets", "source"), _source);
        Settings["Assets__Execution__Mode"] = "Workers";
        Settings["Assets__Worker__ClaimTtl"] = "3s";
        Settings["Assets__Worker__Heartbeat"] = "1s";
        Settings["Assets__Worker__PollInterval"] = "1s";
        Settings["Example__SourceDir"] = _source;
    }

    public override async Task DisposeAsync()
    {
        if (Directory.Exists(_source))
        {
            Directory.Delete(_source, recursive: true);
        }

        await base.DisposeAsync();
    }

    [Fact]
    public async Task ThreeWorkers_OneKilledMidStep_ItsStepIsClaimedAgainAsTheNextAttempt_EveryPartitionPublishedOnce_VerifyClean()
    {
        var content = await HoldDayAsync();
        using var materialize = ProgramProcess.Start(Environment, "materialize", "--select", "*");
        // One slot each: the worker killed holds only the held day's claim, so no other step of it dies mid-publish
        // (that would leave a manifest no pointer names, for gc, and the count below would be one more).
        using var first = ProgramProcess.Start(Environment, "worker", "--slots", "1");
        using var second = ProgramProcess.Start(Environment, "worker", "--slots", "1");
        using var third = ProgramProcess.Start(Environment, "worker", "--slots", "1");
        ProgramProcess[] workers = [first, second, third];
        await using var queue = await PostgresStepQueue.OpenAsync(Metadata, SystemClock.Instance);
        await using var store = await PostgresMetadataStore.OpenAsync(Metadata, SystemClock.Instance);

        var (run, holder) = await WaitForHeldStepAsync(queue, store);
        var victim = await ProcessOfAsync(queue, workers, holder);
        await victim.SignalAsync("KILL");
        await ReleaseDayAsync(content);

        Assert.True(await materialize.WaitForExitAsync(Patience) == 0, materialize.Output);
        var held = (await queue.GetRunAsync(run))!.Steps.Single(s => s.Partition == HeldDay);
        Assert.Equal((QueuedStepState.Published, 2), (held.State, held.Attempt));
        Assert.NotEqual(holder, held.Worker);
        Assert.Contains("97 published", materialize.Output, StringComparison.Ordinal);

        // Exactly once: one publish (the protocol's event naming the materialization) and one manifest per partition,
        // however many attempts there were.
        var published = (await store.GetEventsAsync(limit: 100_000)).Where(IsPublish).ToList();
        Assert.Equal(97, published.Count);
        Assert.Equal(97, published.Select(e => e.Partition).Distinct().Count());
        var manifests = Directory.GetFiles(Path.Combine(Root, "manifests"), "*.json", SearchOption.AllDirectories);
        Assert.Equal(97, manifests.Length);
        Assert.Equal(97, manifests.Select(Path.GetDirectoryName).Distinct().Count());
        var verify = await ExampleProgram.RunAsync(Environment, "verify");
        Assert.True(verify.ExitCode == 0, verify.Error + verify.Out);
        await StopAsync(workers.Where(w => w != victim));
    }

    [Fact]
    public async Task WorkerStoppedPastItsClaim_AnotherFinishesTheStep_TheWokenWorkerIsFencedOff_NothingOverwritten_TheConflictRecorded()
    {
        var content = await HoldDayAsync();
        var kept = _source + "-held-pipe";
        TestFiles.Run("ln", DayFile, kept); // the stalled reader's pipe stays reachable after the day's file is replaced
        using var materialize = ProgramProcess.Start(Environment, "materialize", "--select", "raw_orders");

        // One slot each: the worker stopped holds the held day's claim and nothing else (a process stopped in the middle
        // of a transaction would keep its row locks until it runs again).
        using var first = ProgramProcess.Start(Environment, "worker", "--slots", "1");
        using var second = ProgramProcess.Start(Environment, "worker", "--slots", "1");
        ProgramProcess[] workers = [first, second];
        await using var queue = await PostgresStepQueue.OpenAsync(Metadata, SystemClock.Instance);
        await using var store = await PostgresMetadataStore.OpenAsync(Metadata, SystemClock.Instance);

        var (run, holder) = await WaitForHeldStepAsync(queue, store);
        var stalled = await ProcessOfAsync(queue, workers, holder);
        var other = workers.Single(w => w != stalled);
        await stalled.SignalAsync("STOP");
        await ReleaseDayAsync(content);
        Assert.True(await materialize.WaitForExitAsync(Patience) == 0, materialize.Output);
        var pointer = await File.ReadAllTextAsync(PointerOf(HeldDay));
        var finished = (await queue.GetRunAsync(run))!.Steps.Single(s => s.Partition == HeldDay);
        Assert.Equal((QueuedStepState.Published, 2), (finished.State, finished.Attempt));

        // The stalled worker wakes up and its step goes on: the data it was waiting for arrives through the old pipe.
        await stalled.SignalAsync("CONT");
        var feeding = Task.Run(() =>
        {
            try
            {
                File.WriteAllBytes(kept, content);
            }
            catch (IOException)
            {
                // The woken worker stopped reading: its step was stopped as soon as it found its claim lost.
            }
        });
        await stalled.WaitForLineAsync($"{"lost",-11} {HeldDay}", Patience);
        if (await Task.WhenAny(feeding, Task.Delay(TimeSpan.FromSeconds(2))) != feeding)
        {
            // It was stopped before it opened the pipe, and found the real file when it woke: nobody reads the pipe.
            await using var drain = File.OpenRead(kept);
            await drain.CopyToAsync(Stream.Null);
        }

        await feeding.WaitAsync(Patience);

        Assert.Equal(pointer, await File.ReadAllTextAsync(PointerOf(HeldDay)));
        var events = await store.GetEventsAsync(partition: HeldDay, limit: 1000);
        Assert.Single(events, IsPublish);
        Assert.Contains(events, e => e.Kind == RunEventKind.LeaseLost && e.Message!.Contains($"worker {holder}", StringComparison.Ordinal));
        var state = (await store.GetStatesAsync([HeldDay.Asset])).Single(s => s.Partition == HeldDay);
        Assert.Equal((PartitionStatus.Published, 1L), (state.Status, state.Sequence ?? 0));
        var verify = await ExampleProgram.RunAsync(Environment, "verify");
        Assert.True(verify.ExitCode == 0, verify.Error + verify.Out);
        await StopAsync([stalled, other]);
    }

    [Fact]
    public async Task DatabaseRestartedMidRun_WorkersAndTheWaitingMaterializeRideItOut_EveryPartitionPublishedOnce_VerifyClean()
    {
        var content = await HoldDayAsync();
        var kept = _source + "-held-pipe";
        TestFiles.Run("ln", DayFile, kept); // the holder reads the pipe it opened: it is fed through this name once the day is released
        using var materialize = ProgramProcess.Start(Environment, "materialize", "--select", "*");
        using var first = ProgramProcess.Start(Environment, "worker", "--slots", "2");
        using var second = ProgramProcess.Start(Environment, "worker", "--slots", "2");
        ProgramProcess[] workers = [first, second];
        await using (var queue = await PostgresStepQueue.OpenAsync(Metadata, SystemClock.Instance))
        await using (var store = await PostgresMetadataStore.OpenAsync(Metadata, SystemClock.Instance))
        {
            // Mid-run for certain: a step is held (claimed, its lease taken) and its downstream waits for it.
            try
            {
                await WaitForHeldStepAsync(queue, store);
            }
            catch (Xunit.Sdk.XunitException e)
            {
                throw new Xunit.Sdk.XunitException(e.Message + "\n" + string.Join("\n---\n", workers.Select(w => w.Output).Append(materialize.Output)));
            }
        }

        await Cluster.RestartAsync();
        Assert.False(materialize.HasExited, "materialize ended while the database restarted:\n" + materialize.Output);
        await ReleaseDayAsync(content);
        var feeding = Task.Run(() => File.WriteAllBytes(kept, content));

        var exit = await materialize.WaitForExitAsync(Patience);
        if (!feeding.IsCompleted)
        {
            // The holder lost its claim in the restart and stopped before it read the pipe: nobody reads it.
            await using var drain = File.OpenRead(kept);
            await drain.CopyToAsync(Stream.Null);
        }

        await feeding.WaitAsync(Patience);
        Assert.True(exit == 0, materialize.Output);
        Assert.Contains("97 published", materialize.Output, StringComparison.Ordinal);
        Assert.All(workers, w => Assert.False(w.HasExited, "a worker stopped because the database restarted:\n" + w.Output));
        Assert.Contains(workers.Select(w => w.Output).Append(materialize.Output), output => output.Contains("answers again", StringComparison.Ordinal));

        await using var after = await PostgresMetadataStore.OpenAsync(Metadata, SystemClock.Instance);
        var published = (await after.GetEventsAsync(limit: 100_000)).Where(IsPublish).ToList();
        Assert.Equal(97, published.Count);
        Assert.Equal(97, published.Select(e => e.Partition).Distinct().Count());
        Assert.All(await after.GetStatesAsync(), s => Assert.Equal((PartitionStatus.Published, 1L), (s.Status, s.Sequence ?? 0)));
        var verify = await ExampleProgram.RunAsync(Environment, "verify");
        Assert.True(verify.ExitCode == 0, verify.Error + verify.Out);
        await StopAsync(workers);
    }

    [Fact]
    public async Task TwoQueuedMaterializesOnOverlappingSelections_EachPartitionPublishedOnce_TheLaterSaysAnotherRunDidIt()
    {
        // Both queued before any worker runs: the second run's raw_orders steps were planned before the first run published them.
        using var narrow = ProgramProcess.Start(Environment, "materialize", "--select", "raw_orders");
        await narrow.WaitForLineAsync("queued for the workers", Patience);
        using var wide = ProgramProcess.Start(Environment, "materialize", "--select", "*");
        await wide.WaitForLineAsync("queued for the workers", Patience);
        using var first = ProgramProcess.Start(Environment, "worker", "--slots", "2");
        using var second = ProgramProcess.Start(Environment, "worker", "--slots", "2");

        Assert.True(await narrow.WaitForExitAsync(Patience) == 0, narrow.Output);
        Assert.True(await wide.WaitForExitAsync(Patience) == 0, wide.Output);
        Assert.Contains("another run published it after this run was planned", wide.Output + narrow.Output, StringComparison.Ordinal);
        await using var store = await PostgresMetadataStore.OpenAsync(Metadata, SystemClock.Instance);
        var published = (await store.GetEventsAsync(limit: 100_000)).Where(IsPublish).ToList();
        Assert.Equal(97, published.Count);
        Assert.Equal(97, published.Select(e => e.Partition).Distinct().Count());
        Assert.All(await store.GetStatesAsync(), s => Assert.Equal((PartitionStatus.Published, 1L), (s.Status, s.Sequence ?? 0)));
        await StopAsync([first, second]);
    }

    [Fact]
    public async Task MaterializeWithNoWorker_WaitsSayingSo_AndCompletesOnceAWorkerStarts()
    {
        using var materialize = ProgramProcess.Start(Environment, "materialize", "--select", "raw_orders", "--from", "2026-01-01", "--to", "2026-01-03");
        await materialize.WaitForLineAsync("no live worker", Patience);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(materialize.HasExited, materialize.Output);

        using var worker = ProgramProcess.Start(Environment, "worker", "--slots", "1");
        Assert.True(await materialize.WaitForExitAsync(Patience) == 0, materialize.Output);
        Assert.Contains("3 published", materialize.Output, StringComparison.Ordinal);
        Assert.Contains("queued for the workers", materialize.Output, StringComparison.Ordinal);
        await StopAsync([worker]);
        Assert.Contains("stopped.", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StepOfAnotherCodeVersion_IsLeftForAMatchingWorker_AndItsStateSaysSo()
    {
        await using var queue = await PostgresStepQueue.OpenAsync(Metadata, SystemClock.Instance);
        var run = RunId.New();
        var otherBuild = new AssetPartition(HeldDay.Asset, new PartitionKey("2026-01-01"));
        var thisBuild = new AssetPartition(HeldDay.Asset, new PartitionKey("2026-01-02"));
        await queue.EnqueueAsync(
            new QueuedRun(run, RunOrigin.Materialize, Execution.StepPriority.Current, null, [
                new QueuedStep(new Execution.ExecutionStep(otherBuild, []), "2-next-release"),
                new QueuedStep(new Execution.ExecutionStep(thisBuild, []), "1")]),
            SystemClock.Instance.GetCurrentInstant());
        using var worker = ProgramProcess.Start(Environment, "worker", "--slots", "2");

        var deadline = Stopwatch.StartNew();
        QueuedRunStatus status;
        do
        {
            await Task.Delay(200);
            status = (await queue.GetRunAsync(run))!;
        }
        while (status.Steps.Single(s => s.Partition == thisBuild).State != QueuedStepState.Published && deadline.Elapsed < Patience);

        var left = status.Steps.Single(s => s.Partition == otherBuild);
        Assert.Equal(QueuedStepState.Published, status.Steps.Single(s => s.Partition == thisBuild).State);
        Assert.Equal(QueuedStepState.Ready, left.State);
        Assert.Contains("2-next-release", left.Note, StringComparison.Ordinal);
        Assert.Contains("runs 1", left.Note, StringComparison.Ordinal);

        // A worker of the other build takes it.
        var matching = WorkerId.New("next-release", 1);
        var now = SystemClock.Instance.GetCurrentInstant();
        await queue.RegisterWorkerAsync(new QueueWorker(matching, "next-release", 1, 1, now));
        var claims = await queue.ClaimAsync(new ClaimRequest(matching, 1, new Dictionary<AssetKey, string> { [HeldDay.Asset] = "2-next-release" }, now, Duration.FromSeconds(30), Duration.FromSeconds(30)));
        Assert.Equal([otherBuild], claims.Select(c => c.Partition));
        await StopAsync([worker]);
    }

    /// <summary>The publish protocol's own event of a publish (the executor adds one with the rows).</summary>
    private static bool IsPublish(RunEvent e) => e.Kind == RunEventKind.StepPublished && e.Message!.StartsWith("published materialization", StringComparison.Ordinal);

    private string DayFile => Path.Combine(_source, "orders", "2026-01-10.csv");

    private string PointerOf(AssetPartition partition) => Path.Combine(Root, "current", partition.Asset.Value, partition.Partition!.Value.Value + ".json");

    /// <summary>Replaces the held day's export with a named pipe; returns the export's bytes.</summary>
    private async Task<byte[]> HoldDayAsync()
    {
        var content = await File.ReadAllBytesAsync(DayFile);
        File.Delete(DayFile);
        TestFiles.Run("mkfifo", DayFile);
        return content;
    }

    /// <summary>Puts the real export in place of the pipe (a rename: readers that opened the pipe keep it).</summary>
    private async Task ReleaseDayAsync(byte[] content)
    {
        var temp = DayFile + ".tmp";
        await File.WriteAllBytesAsync(temp, content);
        File.Move(temp, DayFile, overwrite: true);
    }

    /// <summary>Until a worker is mid-step on the held day: its claim running and the partition's lease taken; returns the run and the worker.</summary>
    private static async Task<(RunId Run, WorkerId Worker)> WaitForHeldStepAsync(PostgresStepQueue queue, PostgresMetadataStore store)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < Patience)
        {
            foreach (var summary in await queue.ListRunsAsync(5))
            {
                var step = (await queue.GetRunAsync(summary.Run))?.Steps.SingleOrDefault(s => s.Partition == HeldDay);
                if (step is { State: QueuedStepState.Running, Worker: { } worker }
                    && await store.GetLeaseAsync(HeldDay) is { Holder: not null } lease && lease.ExpiresAt > SystemClock.Instance.GetCurrentInstant())
                {
                    return (summary.Run, worker);
                }
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException($"No worker took {HeldDay} within {Patience.TotalSeconds:0}s.");
    }

    private static async Task<ProgramProcess> ProcessOfAsync(PostgresStepQueue queue, IEnumerable<ProgramProcess> workers, WorkerId worker)
    {
        var registered = (await queue.ListWorkersAsync(SystemClock.Instance.GetCurrentInstant(), Duration.FromMinutes(1))).Single(w => w.Worker.Id == worker);
        return workers.Single(w => w.Id == registered.Worker.ProcessId);
    }

    /// <summary>SIGTERM, as a scheduler stops a worker: it deregisters and exits 0.</summary>
    private static async Task StopAsync(IEnumerable<ProgramProcess> workers)
    {
        foreach (var worker in workers)
        {
            await worker.SignalAsync("TERM");
        }

        foreach (var worker in workers)
        {
            Assert.True(await worker.WaitForExitAsync(Patience) == 0, worker.Output);
        }
    }
}

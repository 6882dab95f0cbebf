using System.Diagnostics;
using Assets.Execution;
using Assets.Graph;
using Assets.Metadata;
using Assets.Storage.Metadata.Postgres;
using Assets.Storage.Tests.Postgres;
using NodaTime;

namespace Assets.EndToEnd.Tests.SharedMode;

/// <summary>
/// The shared mode with real processes against a real PostgreSQL server: a process killed mid-run leaves leases that
/// expire (never dropped by the next opener) and the next run completes; a killed leader's standby takes over.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class SharedModeTests(PostgresCluster cluster) : SharedRoot(cluster, "shared")
{
    [Fact]
    public async Task MaterializeKilledMidRun_ItsLeasesExpire_TheNextRunPublishesTheRestOnce_AndVerifyIsClean()
    {
        // One day's export is a named pipe: the step reading it blocks after it took its lease and marked the partition
        // running, so the kill lands mid-step every time (not between two steps, which would leave no lease to check).
        var source = Root + "-source";
        TestFiles.CopyFolder(Path.Combine(ExampleProgram.RepositoryRoot(), "example-assets", "source"), source);
        var dayFile = Path.Combine(source, "orders", "2026-01-10.csv");
        var content = await File.ReadAllBytesAsync(dayFile);
        File.Delete(dayFile);
        TestFiles.Run("mkfifo", dayFile);
        var environment = new Dictionary<string, string>(Environment) { ["Example__SourceDir"] = source };
        var held = new AssetPartition(AssetKey.Parse("raw_orders"), new Partitions.PartitionKey("2026-01-10"));
        try
        {
            await using (var store = await PostgresMetadataStore.OpenAsync(Metadata, SystemClock.Instance))
            {
                using var materialize = ProgramProcess.Start(environment, "materialize", "--select", "raw_orders");
                LeaseInfo? lease = null;
                var deadline = Stopwatch.StartNew();
                while (lease is null && deadline.Elapsed < TimeSpan.FromSeconds(90))
                {
                    if (await store.GetStateAsync(held) is { Status: PartitionStatus.Running } && await store.GetLeaseAsync(held) is { Holder: not null } holding)
                    {
                        lease = holding;
                    }
                    else
                    {
                        await Task.Delay(100);
                    }
                }

                Assert.True(lease is not null, "the held day never became running: " + materialize.Output);
                await materialize.SignalAsync("KILL"); // its lease stays in the store with its holder until it expires

                // The dead process's lease is still held: an opener of the shared store never drops it. (Its expiry may
                // have moved on: a heartbeat can renew it between the read above and the kill.)
                await using var opened = await PostgresMetadataStore.OpenAsync(Metadata, SystemClock.Instance);
                var kept = await opened.GetLeaseAsync(held);
                Assert.Equal((lease.Holder, lease.Epoch), (kept?.Holder, kept?.Epoch));
            }

            // The day's real export in place of the pipe (a rename: nobody reads the pipe any more).
            await File.WriteAllBytesAsync(dayFile + ".tmp", content);
            File.Move(dayFile + ".tmp", dayFile, overwrite: true);
            await Task.Delay(TimeSpan.FromSeconds(4));
            var rerun = await ExampleProgram.RunAsync(environment, "materialize", "--select", "raw_orders");
            var verify = await ExampleProgram.RunAsync(environment, "verify");

            Assert.True(rerun.ExitCode == 0, rerun.Error + rerun.Out);
            Assert.True(verify.ExitCode == 0, verify.Error + verify.Out);
            await using var metadata = await PostgresMetadataStore.OpenAsync(Metadata, SystemClock.Instance);
            var states = await metadata.GetStatesAsync([AssetKey.Parse("raw_orders")]);
            Assert.Equal(31, states.Count);
            Assert.All(states, s => Assert.Equal((PartitionStatus.Published, 1L), (s.Status, s.Sequence ?? 0)));
        }
        finally
        {
            Directory.Delete(source, recursive: true);
        }
    }

    [Fact]
    public async Task AProcessThatDiedAfterItsPointerLanded_ItsPublishIsRecordedByTheNextOpener_NotMaterializedAgain()
    {
        var environment = Environment;
        var first = await ExampleProgram.RunAsync(environment, "materialize", "--select", "raw_orders", "--from", "2026-01-01", "--to", "2026-01-02");
        Assert.True(first.ExitCode == 0, first.Error + first.Out);
        var day = new AssetPartition(AssetKey.Parse("raw_orders"), new Partitions.PartitionKey("2026-01-02"));
        MaterializationId published;
        await using (var store = await PostgresMetadataStore.OpenAsync(Metadata, SystemClock.Instance))
        {
            // What a process killed between its pointer swap and its record leaves: the state still running with the
            // version before, its lease held by the dead run until it expires.
            published = (await store.GetStateAsync(day))!.MaterializationId!.Value;
            var dead = RunId.New();
            var now = SystemClock.Instance.GetCurrentInstant();
            Assert.True(await store.TryAcquireLeaseAsync(day, dead, now, Duration.FromSeconds(1)));
            await store.SetStatesAsync([new PartitionState(day, PartitionStatus.Running, null, null, null, null, null, null, now)]);
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        var rerun = await ExampleProgram.RunAsync(environment, "materialize", "--select", "raw_orders", "--from", "2026-01-01", "--to", "2026-01-03");

        Assert.True(rerun.ExitCode == 0, rerun.Error + rerun.Out);
        Assert.Contains("1 published", rerun.Out, StringComparison.Ordinal);
        await using var metadata = await PostgresMetadataStore.OpenAsync(Metadata, SystemClock.Instance);
        var state = await metadata.GetStateAsync(day);
        Assert.Equal((PartitionStatus.Published, published, 1L), (state!.Status, state.MaterializationId!.Value, state.Sequence ?? 0));
        var events = await metadata.GetEventsAsync(partition: day);
        Assert.DoesNotContain(events, e => e.Kind == RunEventKind.StepInterrupted);
        Assert.Contains(events, e => e.Kind == RunEventKind.Reconciled && e.Message!.StartsWith($"recorded the publish of {published} by run ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LeaderServeKilled_TheStandbyTakesOverWithinSeconds()
    {
        var environment = new Dictionary<string, string>(Environment) { ["Assets__Daemon__TickSeconds"] = "1", ["Assets__Daemon__Automation"] = "false" };
        using var leader = Serve(environment, out var leaderLog);
        await WaitForAsync(leaderLog, "holds the leader lock");
        using var standby = Serve(environment, out var standbyLog);
        await WaitForAsync(standbyLog, "stands by");

        leader.Kill();
        var killedAt = Stopwatch.StartNew();
        await WaitForAsync(standbyLog, "holds the leader lock");

        Assert.InRange(killedAt.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        standby.Kill();
    }

    private Process Serve(Dictionary<string, string> environment, out List<string> log)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = ExampleProgram.RepositoryRoot() };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "ExampleAssets.dll"), "serve", "--urls", "http://127.0.0.1:0" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var lines = new List<string>();
        void Collect(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is { } line)
            {
                lock (lines)
                {
                    lines.Add(line);
                }
            }
        }

        process.OutputDataReceived += Collect;
        process.ErrorDataReceived += Collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        log = lines;
        return process;
    }

    private static async Task WaitForAsync(List<string> log, string text)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            lock (log)
            {
                if (log.Any(l => l.Contains(text, StringComparison.Ordinal)))
                {
                    return;
                }
            }

            await Task.Delay(100);
        }

        lock (log)
        {
            Assert.Fail($"'{text}' did not appear within a minute:\n{string.Join('\n', log)}");
        }
    }
}

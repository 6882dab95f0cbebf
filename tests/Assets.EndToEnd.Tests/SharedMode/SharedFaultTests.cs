using System.Diagnostics;
using Assets.Metadata;
using Assets.Storage.Metadata.Postgres;
using Assets.Storage.Tests.Postgres;
using Npgsql;
using NodaTime;

namespace Assets.EndToEnd.Tests.SharedMode;

/// <summary>
/// The shared mode's faults with real processes against a real PostgreSQL server (one cluster for the class, restarted
/// where a test says so): a database restarted mid-run, two commands on overlapping selections, a daemon whose
/// database restarts under it, several processes opening an empty store at once.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class SharedFaultTests(PostgresCluster cluster) : SharedRoot(cluster, "shared-faults")
{
    /// <summary>The example's 97 asset-partitions: 31 days of raw_orders, clean_orders and daily_revenue, 3 regions, the summary.</summary>
    private const int ExamplePartitions = 97;

    [Fact]
    public async Task MaterializeWhileTheDatabaseRestarts_Completes_AndPublishesEveryPartitionOnce()
    {
        var stillRunningAfterRestart = false;
        var exit = await ExampleProgram.RunUntilPublishedAsync(Environment, ["materialize", "--select", "*", "--parallel", "1"], published: 3, async (process, _) =>
        {
            await Cluster.RestartAsync();
            stillRunningAfterRestart = !process.HasExited;
        });

        Assert.True(stillRunningAfterRestart, "the run ended before the database restarted: the test did not exercise the fault");
        Assert.Equal(0, exit);
        await AssertEveryPartitionPublishedOnceAsync();
    }

    [Fact]
    public async Task TwoMaterializeCommandsOnOverlappingSelections_EachPartitionOnce_NeitherFails()
    {
        // As from two terminals at once: raw_orders is in both selections.
        var first = ExampleProgram.RunAsync(Environment, "materialize", "--select", "raw_orders");
        var second = ExampleProgram.RunAsync(Environment, "materialize", "--select", "*");
        var results = await Task.WhenAll(first, second);

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Error + r.Out));
        await AssertEveryPartitionPublishedOnceAsync();
    }

    [Fact]
    public async Task ServeWhoseDatabaseRestarts_KeepsTicking_AndOneOfTwoDaemonsLeadsAfterwards()
    {
        var environment = new Dictionary<string, string>(Environment) { ["Assets__Daemon__TickSeconds"] = "1", ["Assets__Daemon__Automation"] = "false" };
        using var leader = Daemon.Start(environment);
        await leader.WaitForAsync("holds the leader lock");
        using var standby = Daemon.Start(environment);
        await standby.WaitForAsync("stands by");

        await Cluster.RestartAsync();

        // The daemon that led found its session gone; it, or the standby, leads again once the server is back.
        await Daemon.WaitForAnyAsync([leader, standby], "answers again");
        var deadline = Stopwatch.StartNew();
        while (await LeaderLocksHeldAsync() != 1 && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(200);
        }

        Assert.Equal(1, await LeaderLocksHeldAsync());
        Assert.False(leader.Process.HasExited || standby.Process.HasExited, "a daemon stopped because its database restarted");
        Assert.DoesNotContain(leader.Lines.Concat(standby.Lines), l => l.Contains("tick failed", StringComparison.Ordinal));
        leader.Process.Kill();
        standby.Process.Kill();
    }

    [Fact]
    public async Task SeveralProcessesOpeningAnEmptyStoreAtOnce_OneRebuildsItFromThePointers_TheOthersWait()
    {
        // Pointers under the root, recorded in another database: the new one starts empty.
        Assert.Equal(0, (await ExampleProgram.RunAsync(Environment, "materialize", "--select", "raw_orders")).ExitCode);
        var empty = await Cluster.CreateSchemaAsync();
        var environment = new Dictionary<string, string>(Environment) { ["Assets__Metadata"] = empty };
        await using (var migrated = await PostgresMetadataStore.OpenAsync(empty, SystemClock.Instance))
        {
        }

        // Hold the rebuild lock, so that every process reaches it before any can rebuild.
        await using var held = new NpgsqlConnection(empty);
        await held.OpenAsync();
        await ExecuteAsync(held, "SELECT pg_advisory_lock(hashtextextended('assets:rebuild:' || current_schema(), 0))");
        var opening = Enumerable.Range(0, 3).Select(_ => ExampleProgram.RunAsync(environment, "status", "--verbose")).ToList();
        var deadline = Stopwatch.StartNew();
        while (await WaitingForAdvisoryLocksAsync() < 3 && deadline.Elapsed < TimeSpan.FromSeconds(90) && !opening.Any(o => o.IsCompleted))
        {
            await Task.Delay(100);
        }

        await ExecuteAsync(held, "SELECT pg_advisory_unlock_all()");
        var results = await Task.WhenAll(opening);

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Error + r.Out));
        var rebuilt = results.Count(r => (r.Out + r.Error).Contains("Reconciled the metadata store with 31 pointers", StringComparison.Ordinal));
        Assert.True(rebuilt == 1, $"{rebuilt} processes read every pointer:\n" + string.Join("\n---\n", results.Select(r => r.Error)));
        await using var store = await PostgresMetadataStore.OpenAsync(empty, SystemClock.Instance);
        Assert.Equal(31, (await store.GetStatesAsync()).Count(s => s.Status == PartitionStatus.Published));
    }

    private async Task AssertEveryPartitionPublishedOnceAsync()
    {
        await using var store = await PostgresMetadataStore.OpenAsync(Metadata, SystemClock.Instance);
        var states = await store.GetStatesAsync();
        Assert.Equal(ExamplePartitions, states.Count);
        // Sequence 1: each partition's pointer was written once, by one materialization.
        Assert.All(states, s => Assert.Equal((PartitionStatus.Published, 1L), (s.Status, s.Sequence ?? 0)));
        await using var connection = new NpgsqlConnection(Metadata);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM materializations", connection);
        Assert.Equal((long)ExamplePartitions, (long)(await count.ExecuteScalarAsync())!);
    }

    private async Task<long> LeaderLocksHeldAsync() => await ScalarAsync("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted");

    private async Task<long> WaitingForAdvisoryLocksAsync() => await ScalarAsync("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Cluster.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A <c>serve</c> process of the example and what it logged.</summary>
    private sealed class Daemon : IDisposable
    {
        private readonly List<string> _lines = [];

        private Daemon(Process process) => Process = process;

        public Process Process { get; }

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public static Daemon Start(IReadOnlyDictionary<string, string> environment)
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

            var daemon = new Daemon(System.Diagnostics.Process.Start(start)!);
            void Collect(object? sender, DataReceivedEventArgs e)
            {
                if (e.Data is { } line)
                {
                    lock (daemon._lines)
                    {
                        daemon._lines.Add(line);
                    }
                }
            }

            daemon.Process.OutputDataReceived += Collect;
            daemon.Process.ErrorDataReceived += Collect;
            daemon.Process.BeginOutputReadLine();
            daemon.Process.BeginErrorReadLine();
            return daemon;
        }

        public Task WaitForAsync(string text) => WaitForAnyAsync([this], text);

        public static async Task WaitForAnyAsync(IReadOnlyList<Daemon> daemons, string text)
        {
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                if (daemons.Any(d => d.Lines.Any(l => l.Contains(text, StringComparison.Ordinal))))
                {
                    return;
                }

                await Task.Delay(100);
            }

            Assert.Fail($"'{text}' did not appear within a minute:\n{string.Join("\n---\n", daemons.Select(d => string.Join('\n', d.Lines)))}");
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill();
            }

            Process.Dispose();
        }
    }
}

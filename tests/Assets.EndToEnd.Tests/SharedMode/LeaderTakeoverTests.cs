using System.Diagnostics;
using System.Text.RegularExpressions;
using Assets.Storage.Tests.Postgres;
using Npgsql;
using NodaTime;
using NodaTime.Text;

namespace Assets.EndToEnd.Tests.SharedMode;

/// <summary>
/// Two <c>serve</c> processes of <see cref="TickingProgram"/> against one PostgreSQL store: the leader runs a schedule that
/// ticks every two seconds; it is killed (<c>kill -9</c>) while a tick's step runs, and the standby must take the lead
/// within seconds and carry on so that, in the store's records, every tick of the schedule was published exactly once.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed partial class LeaderTakeoverTests(PostgresCluster cluster) : SharedRoot(cluster, "leader-takeover")
{
    /// <summary>The schedule of <see cref="TickingAssets.Heartbeat"/>: <c>*/2 * * * * *</c>.</summary>
    private static readonly Duration TickInterval = Duration.FromSeconds(2);

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public override async Task InitializeAsync()
    {
        // The killed leader's lease on the partition lapses within seconds (the base's 3 s), so the standby can run the tick it left.
        await base.InitializeAsync();
        Settings["Assets__Daemon__TickSeconds"] = "1";
    }

    [Fact]
    public async Task KillingTheLeaderMidTick_TheStandbyTakesOver_AndEveryTickIsPublishedOnce()
    {
        using var leader = Serve();
        await leader.WaitForLineAsync("holds the leader lock", Patience);
        using var standby = Serve();
        await standby.WaitForLineAsync("stands by", Patience);

        // The leader publishes two ticks; it dies as its third tick's run starts (the asset takes a second: mid-step).
        await WaitUntilAsync(() => TickRuns(leader.Output).Count >= 3, "the leader's third tick", leader, standby);
        await leader.SignalAsync("KILL");
        var killedAt = Stopwatch.StartNew();
        var killedTick = TickRuns(leader.Output).Values.Max();

        await standby.WaitForLineAsync("holds the leader lock", Patience);
        var takeover = killedAt.Elapsed;
        await WaitUntilAsync(async () => (await PublishedAsync()).Count >= 6, "three ticks published by the standby", leader, standby);
        // Stopped, not killed: a kill between a tick's publish and its cursor write leaves the cursor behind for the next
        // leader to resume, and the cursor is checked below; SIGTERM lets the round in flight end.
        await standby.SignalAsync("TERM");
        await standby.WaitForExitAsync(Patience);

        var runs = TickRuns(leader.Output).Concat(TickRuns(standby.Output)).ToDictionary();
        var published = await PublishedAsync();
        var unknown = published.Where(p => !runs.ContainsKey(p.Run)).ToList();
        Assert.True(unknown.Count == 0, $"published by runs no daemon logged: {string.Join(", ", unknown)}");
        var ticks = published.Select(p => runs[p.Run]).Order().ToList();
        var twice = ticks.GroupBy(t => t).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, $"ticks published more than once: {string.Join(", ", twice)}");
        var every = Enumerable.Range(0, (int)((ticks[^1] - ticks[0]) / TickInterval) + 1).Select(i => ticks[0] + (i * TickInterval)).ToList();
        Assert.True(every.SequenceEqual(ticks), $"ticks skipped: {string.Join(", ", every.Except(ticks))}");

        // The tick in flight when the leader died was the standby's to finish, and the standby went on after it.
        var leaderRuns = TickRuns(leader.Output);
        Assert.DoesNotContain(published, p => leaderRuns.TryGetValue(p.Run, out var tick) && tick == killedTick);
        Assert.Contains(published, p => runs[p.Run] == killedTick);
        Assert.True(ticks[^1] >= killedTick + (2 * TickInterval), $"the standby published nothing after the tick at {killedTick}");
        Assert.True(takeover < TimeSpan.FromSeconds(10), $"the standby took {takeover.TotalSeconds:0.0}s to take the lead");
        Assert.True(await CursorAsync() >= ticks[^1], "the schedule's cursor is behind the newest tick published");
    }

    private ProgramProcess Serve() => ProgramProcess.StartProgram(TickingProgram.Assembly, Environment, "serve", "--urls", "http://127.0.0.1:0");

    /// <summary>The runs a daemon started for the schedule, by run id, with the tick each ran (from its log).</summary>
    private static Dictionary<string, Instant> TickRuns(string output)
        => ScheduledRunStarted().Matches(output).ToDictionary(m => m.Groups["run"].Value, m => InstantPattern.ExtendedIso.Parse(m.Groups["tick"].Value).Value);

    /// <summary>The heartbeat's published materializations, each with the run that published it.</summary>
    private async Task<List<(string Run, string Id)>> PublishedAsync()
    {
        await using var connection = new NpgsqlConnection(Metadata);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT run_id, id FROM materializations WHERE asset = 'heartbeat' AND published_at IS NOT NULL", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var published = new List<(string, string)>();
        while (await reader.ReadAsync())
        {
            published.Add((reader.GetString(0), reader.GetString(1)));
        }

        return published;
    }

    private async Task<Instant> CursorAsync()
    {
        await using var connection = new NpgsqlConnection(Metadata);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT cursor_at FROM automation_cursors WHERE asset = 'heartbeat'", connection);
        return Instant.FromUnixTimeTicks((long)(await command.ExecuteScalarAsync())!);
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what, params ProgramProcess[] daemons)
        => WaitUntilAsync(() => Task.FromResult(condition()), what, daemons);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, params ProgramProcess[] daemons)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < Patience)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"{what} did not happen within {Patience.TotalSeconds:0}s:\n{string.Join("\n---\n", daemons.Select(d => d.Output))}");
    }

    [GeneratedRegex(@"Run (?<run>[0-9a-f]{32}) \(automation: schedule of heartbeat at (?<tick>\S+)\) started")]
    private static partial Regex ScheduledRunStarted();
}

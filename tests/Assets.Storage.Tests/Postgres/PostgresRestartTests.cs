using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using Assets.Storage.Metadata;
using Assets.Storage.Metadata.Postgres;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Assets.Storage.Tests.Postgres;

/// <summary>
/// The shared store rides out a database that restarts or is down for a while: its operations wait for the server
/// (within the reconnection budget) instead of failing, and say once that it was unreachable and once for how long.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresRestartTests(PostgresCluster cluster)
{
    private static readonly AssetKey Asset = AssetKey.Parse("orders");
    private static readonly SystemClock Clock = SystemClock.Instance;

    [Fact]
    public async Task Operations_AfterTheServerRestarted_Succeed_AndTheOutageIsLoggedOnceEachWay()
    {
        var log = new ListLogger();
        await using var store = await OpenAsync(new PostgresStoreOptions { Logger = log });
        var run = RunId.New();
        // Several pooled connections, all of them broken by the restart.
        await Task.WhenAll(Enumerable.Range(1, 4).Select(day => store.SetStatesAsync([State(day)])));

        await cluster.RestartAsync();

        await store.SetStatesAsync([State(5)]);
        await store.AppendEventsAsync([new RunEvent(run, Clock.GetCurrentInstant(), RunEventKind.RunStarted, null, null, null)]);
        var claim = await store.TryClaimLeaseAsync(new AssetPartition(Asset, Day(6)), run, Clock.GetCurrentInstant(), Duration.FromMinutes(1));

        Assert.Equal(5, (await store.GetStatesAsync()).Count);
        Assert.Single(await store.GetEventsAsync(run));
        Assert.NotNull(claim);
        Assert.Single(log.Lines, l => l.Contains("is unreachable", StringComparison.Ordinal));
        Assert.Single(log.Lines, l => l.Contains("answers again, after", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sessions_IdleInATransaction_AreEndedByTheServer_After30sByDefault_OrWhatTheConnectionStringSays()
    {
        var metadata = await cluster.CreateSchemaAsync();
        await using (var connection = new Npgsql.NpgsqlConnection(PostgresConnectionString.Parse(metadata).ConnectionString))
        {
            await connection.OpenAsync();
            await using var show = new Npgsql.NpgsqlCommand("SHOW idle_in_transaction_session_timeout", connection);
            Assert.Equal("30s", await show.ExecuteScalarAsync());
        }

        // A team's own value wins; a stalled transaction is rolled back and its session ended when it passes.
        var own = PostgresConnectionString.Parse(metadata + ";Options=-c idle_in_transaction_session_timeout=300").ConnectionString;
        await using var stalled = new Npgsql.NpgsqlConnection(own);
        await stalled.OpenAsync();
        await using var transaction = await stalled.BeginTransactionAsync();
        await using (var select = new Npgsql.NpgsqlCommand("SELECT 1", stalled, transaction))
        {
            await select.ExecuteScalarAsync();
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
        await using var after = new Npgsql.NpgsqlCommand("SELECT 1", stalled, transaction);
        var ended = await Assert.ThrowsAnyAsync<Npgsql.NpgsqlException>(() => after.ExecuteScalarAsync());
        Assert.Contains("idle-in-transaction timeout", ended.ToString(), StringComparison.Ordinal);
        // The server rolled the transaction back: the store's operations run again, as after a restart.
        Assert.True(PostgresReconnection.IsTransient(ended), ended.ToString());
    }

    [Fact]
    public async Task Operation_WhileTheServerIsDown_WaitsForIt_AndCompletesWhenItIsBack()
    {
        await using var store = await OpenAsync(new PostgresStoreOptions());
        await store.SetStatesAsync([State(1)]);

        await cluster.StopAsync();
        Task<IReadOnlyList<PartitionState>> reading;
        Task writing;
        try
        {
            reading = store.GetStatesAsync();
            writing = store.SetStatesAsync([State(2)]);
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.False(reading.IsCompleted, "the read gave up while the server was down");
            Assert.False(writing.IsCompleted, "the write gave up while the server was down");
        }
        finally
        {
            await cluster.StartAsync();
        }

        // Both waited; once the server is back either may go first.
        Assert.Contains(await reading, s => s.Partition == State(1).Partition);
        await writing;
        Assert.Equal(2, (await store.GetStatesAsync()).Count);
    }

    [Fact]
    public async Task Operation_ServerDownLongerThanTheBudget_FailsNamingTheDatabase()
    {
        await using var store = await OpenAsync(new PostgresStoreOptions { ReconnectFor = Duration.FromSeconds(1) });

        await cluster.StopAsync();
        try
        {
            var unavailable = await Assert.ThrowsAsync<MetadataStoreUnavailableException>(() => store.GetStatesAsync());
            Assert.Contains($"127.0.0.1:{cluster.Port}", unavailable.Message, StringComparison.Ordinal);
        }
        finally
        {
            await cluster.StartAsync();
        }
    }

    [Fact]
    public async Task LeaderLock_AfterARestart_IsHeldByExactlyOneOfTwo()
    {
        var connectionString = await cluster.CreateSchemaAsync();
        await using var leader = new PostgresLeaderLock(connectionString);
        await using var standby = new PostgresLeaderLock(connectionString);
        Assert.True(await leader.TryHoldAsync());
        Assert.False(await standby.TryHoldAsync());

        await cluster.RestartAsync();

        // Both ask again, as the daemons do every second: the restart ended the leader's session and its lock with it.
        var first = await standby.TryHoldAsync();
        var second = await leader.TryHoldAsync();
        Assert.True(first ^ second, $"standby {first}, old leader {second}: exactly one must lead");
    }

    private async Task<PostgresMetadataStore> OpenAsync(PostgresStoreOptions options)
        => await PostgresMetadataStore.OpenAsync(await cluster.CreateSchemaAsync(), Clock, options);

    private static PartitionKey Day(int day) => new($"2026-01-{day:00}");

    private static PartitionState State(int day)
        => new(new AssetPartition(Asset, Day(day)), PartitionStatus.Published, null, MaterializationId.New(), "v" + day, "c1", 1, Clock.GetCurrentInstant(), Clock.GetCurrentInstant());

    private sealed class ListLogger : ILogger
    {
        private readonly List<string> _lines = [];

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

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines)
            {
                _lines.Add(formatter(state, exception));
            }
        }
    }
}

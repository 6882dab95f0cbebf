using Assets.Storage.Metadata.Postgres;
using Npgsql;

namespace Assets.Storage.Tests.Postgres;

/// <summary>One coordinator among many: the leader lock is exclusive, survives as long as its session, and passes on when that ends.</summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresLeaderLockTests(PostgresCluster cluster)
{
    [Fact]
    public async Task TryHold_OneLeader_TheOtherStandsBy_UntilTheLeaderGoes()
    {
        var connectionString = await new PostgresStoreUnderTest(cluster).ConnectionStringAsync();
        await using var standby = new PostgresLeaderLock(connectionString);
        var leader = new PostgresLeaderLock(connectionString);

        Assert.True(await leader.TryHoldAsync());
        Assert.True(await leader.TryHoldAsync());
        Assert.False(await standby.TryHoldAsync());

        await leader.DisposeAsync();

        Assert.True(await standby.TryHoldAsync());
    }

    [Fact]
    public async Task TryHold_LeadersSessionKilled_TheStandbyTakesOver_AndTheOldLeaderLearnsIt()
    {
        var connectionString = await new PostgresStoreUnderTest(cluster).ConnectionStringAsync();
        await using var leader = new PostgresLeaderLock(connectionString);
        await using var standby = new PostgresLeaderLock(connectionString);
        Assert.True(await leader.TryHoldAsync());

        // As when the leader's machine vanishes: the server ends its session.
        await using (var admin = new NpgsqlConnection(cluster.AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var holders = new NpgsqlCommand("SELECT array_agg(DISTINCT pid) FROM pg_locks WHERE locktype = 'advisory' AND granted", admin);
            var killed = (int[])(await holders.ExecuteScalarAsync())!;
            Assert.NotEmpty(killed);
            await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM unnest(@pids) AS pid", admin);
            kill.Parameters.AddWithValue("pids", killed);
            await kill.ExecuteNonQueryAsync();

            // pg_terminate_backend only signals the session: its locks go when its process has ended.
            await using var alive = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(@pids)", admin);
            alive.Parameters.AddWithValue("pids", killed);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while ((long)(await alive.ExecuteScalarAsync())! > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "the leader's session did not end within 30 s of pg_terminate_backend");
                await Task.Delay(20);
            }
        }

        Assert.True(await standby.TryHoldAsync());
        Assert.False(await leader.TryHoldAsync());
    }
}

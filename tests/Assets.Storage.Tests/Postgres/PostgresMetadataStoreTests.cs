using Assets.Graph;
using Assets.Metadata;
using Assets.Storage.Metadata;
using Assets.Storage.Metadata.Postgres;
using Assets.Storage.Tests.Metadata;
using NodaTime;
using static Assets.Storage.Tests.Metadata.StoreFolder;

namespace Assets.Storage.Tests.Postgres;

/// <summary>
/// The contract, and what only the shared store does: many processes open it at once, so leases survive an open, expire,
/// and carry a fencing epoch that refuses the publish record of a holder whose lease changed hands.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresMetadataStoreTests(PostgresCluster cluster) : MetadataStoreContract<PostgresMetadataStore>(new PostgresStoreUnderTest(cluster))
{
    private static readonly Duration Ttl = Duration.FromMinutes(5);

    private new PostgresStoreUnderTest UnderTest => (PostgresStoreUnderTest)base.UnderTest;

    [Fact]
    public async Task OpenAsync_Twice_MigratesOnce_AndCreatesEveryTable()
    {
        await Store.DisposeAsync();
        Store = await OpenAsync();

        Assert.Equal(2, await Store.GetSchemaVersionAsync());
        Assert.Equal(
            ["automation_cursors", "backfill_steps", "backfills", "check_results", "leases", "materialization_upstream", "materializations", "partition_states", "queue_edges", "queue_runs", "queue_steps", "queue_workers", "run_events", "schema_version", "source_observations"],
            await Store.GetTableNamesAsync());
    }

    [Fact]
    public async Task OpenAsync_OnAVersion1Database_AddsTheStepQueue_AndKeepsTheData()
    {
        await Store.SetStatesAsync([Published(Daily("raw_orders", "2026-01-05"))]);
        await Store.DisposeAsync();
        // What a database written before the step queue looks like: version 1's tables, none of version 2's.
        await using (var connection = new Npgsql.NpgsqlConnection(await UnderTest.ConnectionStringAsync()))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand(
                "DROP TABLE queue_edges, queue_steps, queue_runs, queue_workers; DROP FUNCTION assets_queue_claim, assets_queue_complete, assets_queue_end_downstream, assets_queue_notify; DELETE FROM schema_version WHERE version = 2",
                connection);
            await command.ExecuteNonQueryAsync();
        }

        Store = await OpenAsync();

        Assert.Equal(2, await Store.GetSchemaVersionAsync());
        Assert.Contains("queue_steps", await Store.GetTableNamesAsync());
        Assert.Single(await Store.GetStatesAsync());
    }

    [Fact]
    public async Task OpenAsync_ManyAtOnceOnAFreshSchema_MigrateOnce_AndAllWork()
    {
        var fresh = new PostgresStoreUnderTest(cluster);

        var stores = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => fresh.OpenAsync(Clock)));
        try
        {
            Assert.All(await Task.WhenAll(stores.Select(s => s.GetSchemaVersionAsync())), v => Assert.Equal(2, v));
            await stores[3].SetStatesAsync([Published(Daily("raw_orders", "2026-01-05"))]);
            Assert.Single(await stores[5].GetStatesAsync());
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task OpenAsync_SchemaOfANewerAssets_IsRefusedNamingTheFix()
    {
        await using (var connection = new Npgsql.NpgsqlConnection(await UnderTest.ConnectionStringAsync()))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("INSERT INTO schema_version VALUES (99, 0)", connection);
            await command.ExecuteNonQueryAsync();
        }

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(OpenAsync);

        Assert.Contains("schema version 99", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Upgrade Assets", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_UnreachableServer_SaysWhichAndWhatToCheck()
    {
        var unavailable = await Assert.ThrowsAsync<MetadataStoreUnavailableException>(
            () => PostgresMetadataStore.OpenAsync("postgresql://nobody:secret@127.0.0.1:1/assets?connect_timeout=2", Clock, new PostgresStoreOptions { ReconnectFor = Duration.FromSeconds(1) }));

        Assert.Contains("127.0.0.1:1/assets", unavailable.Message, StringComparison.Ordinal);
        Assert.Contains("still after retrying for 1s", unavailable.Message, StringComparison.Ordinal);
        Assert.Contains("Assets:MetadataReconnectFor", unavailable.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", unavailable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_DatabaseThatDoesNotExist_FailsAtOnce_SayingToCreateIt()
    {
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(await UnderTest.ConnectionStringAsync()) { Database = "no_such_database" };
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var unavailable = await Assert.ThrowsAsync<MetadataStoreUnavailableException>(
            () => PostgresMetadataStore.OpenAsync(connection.ConnectionString, Clock, new PostgresStoreOptions { ReconnectFor = Duration.FromMinutes(5) }));

        Assert.Contains("/no_such_database does not exist", unavailable.Message, StringComparison.Ordinal);
        Assert.Contains("Create it", unavailable.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromMinutes(1), $"took {watch.Elapsed}: a missing database is not worth retrying");
    }

    [Fact]
    public async Task OpenAsync_RoleThatDoesNotExist_FailsAtOnce_SayingTheLoginWasRefused()
    {
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(await UnderTest.ConnectionStringAsync()) { Username = "no_such_role", Password = "secret" };

        var unavailable = await Assert.ThrowsAsync<MetadataStoreUnavailableException>(
            () => PostgresMetadataStore.OpenAsync(connection.ConnectionString, Clock, new PostgresStoreOptions { ReconnectFor = Duration.FromMinutes(5) }));

        Assert.Contains("refused the login", unavailable.Message, StringComparison.Ordinal);
        Assert.Contains("no_such_role", unavailable.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", unavailable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_LeasesHeldByAnotherProcess_AreKept_UntilTheyExpire()
    {
        var day = Daily("raw_orders", "2026-01-05");
        var (first, second) = (RunId.New(), RunId.New());
        Assert.True(await Store.TryAcquireLeaseAsync(day, first, T0, Ttl));

        await using var other = await OpenAsync();

        Assert.False(await other.TryAcquireLeaseAsync(day, second, T0 + Duration.FromMinutes(1), Ttl));
        Assert.True(await other.TryAcquireLeaseAsync(day, second, T0 + Ttl, Ttl));
    }

    [Fact]
    public async Task TryClaimLeaseAsync_EpochGrowsEachTimeTheLeaseChangesHands_AndRenewalKeepsIt()
    {
        var day = Daily("raw_orders", "2026-01-05");
        var (first, second, third) = (RunId.New(), RunId.New(), RunId.New());

        var one = await Store.TryClaimLeaseAsync(day, first, T0, Ttl);
        var again = await Store.TryClaimLeaseAsync(day, first, T0 + Duration.FromMinutes(1), Ttl);
        Assert.Null(await Store.TryClaimLeaseAsync(day, second, T0 + Duration.FromMinutes(2), Ttl));
        var expiredTakeover = await Store.TryClaimLeaseAsync(day, second, T0 + Duration.FromMinutes(6), Ttl);
        await Store.ReleaseLeaseAsync(day, second);
        var afterRelease = await Store.TryClaimLeaseAsync(day, third, T0 + Duration.FromMinutes(7), Ttl);

        Assert.Equal([1L, 1L, 2L, 3L], new[] { one!.Epoch, again!.Epoch, expiredTakeover!.Epoch, afterRelease!.Epoch });
        Assert.Equal(new LeaseInfo(day, third, 3, T0 + Duration.FromMinutes(12)), await Store.GetLeaseAsync(day));
    }

    [Fact]
    public async Task TryRenewLeaseAsync_AfterTheLeaseChangedHandsAndWasReleased_IsRefused()
    {
        var day = Daily("raw_orders", "2026-01-05");
        var (stalled, other) = (RunId.New(), RunId.New());
        var claim = (await Store.TryClaimLeaseAsync(day, stalled, T0, Ttl))!;
        Assert.True(await Store.TryRenewLeaseAsync(claim, T0 + Duration.FromMinutes(4), Ttl));

        // The holder stalls past its lease; another takes it, finishes and lets it go.
        Assert.NotNull(await Store.TryClaimLeaseAsync(day, other, T0 + Duration.FromMinutes(10), Ttl));
        await Store.ReleaseLeaseAsync(day, other);

        Assert.False(await Store.TryRenewLeaseAsync(claim, T0 + Duration.FromMinutes(11), Ttl));
        // A plain acquire by the stalled holder would succeed (the lease is free): only the epoch tells it apart.
        Assert.Null((await Store.GetLeaseAsync(day))!.Holder);
    }

    [Fact]
    public async Task TryRenewLeaseAsync_PastExpiryWhileNobodyTookIt_Succeeds()
    {
        var day = Whole("all_time_summary");
        var claim = (await Store.TryClaimLeaseAsync(day, RunId.New(), T0, Ttl))!;

        Assert.True(await Store.TryRenewLeaseAsync(claim, T0 + Duration.FromMinutes(9), Ttl));
        Assert.Equal(T0 + Duration.FromMinutes(14), (await Store.GetLeaseAsync(day))!.ExpiresAt);
    }

    [Fact]
    public async Task TryRecordFencedPublishAsync_CurrentHolder_RecordsBoth_AStaleEpoch_WritesNothing()
    {
        var day = Daily("clean_orders", "2026-01-05");
        var (stalled, other) = (RunId.New(), RunId.New());
        var stale = (await Store.TryClaimLeaseAsync(day, stalled, T0, Ttl))!;
        var current = (await Store.TryClaimLeaseAsync(day, other, T0 + Ttl, Ttl))!;
        var staleRecord = Materialization(day, T0, []);
        var currentRecord = Materialization(day, T0 + Duration.FromMinutes(6), []);
        var currentState = Published(day) with { MaterializationId = currentRecord.Id };

        Assert.False(await Store.TryRecordFencedPublishAsync(stale, staleRecord, Published(day) with { MaterializationId = staleRecord.Id }));
        Assert.Empty(await Store.GetMaterializationsAsync(day));
        Assert.Null(await Store.GetStateAsync(day));

        Assert.True(await Store.TryRecordFencedPublishAsync(current, currentRecord, currentState));
        Assert.Equal(currentRecord.Id, Assert.Single(await Store.GetMaterializationsAsync(day)).Id);
        Assert.Equal(currentState, await Store.GetStateAsync(day));
    }

    [Fact]
    public async Task TryClaimLeaseAsync_ManyProcessesRacingForOnePartition_ExactlyOneWins()
    {
        var day = Daily("raw_orders", "2026-01-05");
        var stores = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => OpenAsync()));
        try
        {
            var claims = await Task.WhenAll(stores.Select(s => s.TryClaimLeaseAsync(day, RunId.New(), T0, Ttl)));

            var winner = Assert.Single(claims, c => c is not null);
            Assert.Equal(1, winner!.Epoch);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task SettleAbandonedAttempts_FailsRunningPartitionsWhoseLeaseIsGone_AndLeavesLiveOnesAlone()
    {
        var (dead, released, live) = (Daily("raw_orders", "2026-01-05"), Daily("raw_orders", "2026-01-06"), Daily("raw_orders", "2026-01-07"));
        var (deadRun, releasedRun, liveRun) = (RunId.New(), RunId.New(), RunId.New());
        await Store.TryClaimLeaseAsync(dead, deadRun, T0, Ttl);
        await Store.TryClaimLeaseAsync(released, releasedRun, T0, Ttl);
        await Store.ReleaseLeaseAsync(released, releasedRun);
        await Store.TryClaimLeaseAsync(live, liveRun, T0 + Duration.FromMinutes(4), Ttl);
        var previous = Published(dead) with { Status = PartitionStatus.Running };
        await Store.SetStatesAsync([previous, WithStatus(released, PartitionStatus.Running), WithStatus(live, PartitionStatus.Running), Published(Daily("raw_orders", "2026-01-08"))]);

        var settled = await Store.SettleAbandonedAttemptsAsync(T0 + Duration.FromMinutes(6));

        Assert.Equal([dead, released], settled.OrderBy(p => p.Partition?.Value, StringComparer.Ordinal));
        var deadState = (await Store.GetStateAsync(dead))!;
        Assert.Equal((PartitionStatus.Failed, previous.MaterializationId), (deadState.Status, deadState.MaterializationId));
        Assert.Contains("interrupted", deadState.Cause, StringComparison.Ordinal);
        Assert.Equal(PartitionStatus.Running, (await Store.GetStateAsync(live))!.Status);
    }
}

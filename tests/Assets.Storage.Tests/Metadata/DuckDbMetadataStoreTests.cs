using Assets.Storage.Metadata;
using NodaTime;
using static Assets.Storage.Tests.Metadata.StoreFolder;

namespace Assets.Storage.Tests.Metadata;

/// <summary>The contract, and what only the DuckDB store does: one process per file, so leases found on open are dropped.</summary>
public sealed class DuckDbMetadataStoreTests() : MetadataStoreContract<DuckDbMetadataStore>(new DuckDbStoreUnderTest())
{
    [Fact]
    public async Task OpenAsync_LeasesOfAProcessThatIsGone_AreReleased()
    {
        var day = Daily("raw_orders", "2026-01-05");
        Assert.True(await Store.TryAcquireLeaseAsync(day, RunId.New(), T0, Duration.FromHours(1)));
        await Store.DisposeAsync();

        Store = await OpenAsync();

        Assert.True(await Store.TryAcquireLeaseAsync(day, RunId.New(), T0 + Duration.FromMinutes(1), Duration.FromHours(1)));
    }

    [Fact]
    public async Task Leases_AreKeptInMemoryOnly_SoTakingAndReleasingOneOwesTheFileNoWrite()
    {
        var day = Daily("raw_orders", "2026-01-05");
        var run = RunId.New();

        Assert.True(await Store.TryAcquireLeaseAsync(day, run, T0, Duration.FromHours(1)));
        Assert.Equal(0, Store.PendingWriteCount);
        Assert.False(await Store.TryAcquireLeaseAsync(day, RunId.New(), T0, Duration.FromHours(1)));
        Assert.Equal(run, (await Store.GetLeaseAsync(day, T0))?.Holder);

        await Store.ReleaseLeaseAsync(day, run);
        Assert.Equal(0, Store.PendingWriteCount);
        Assert.Null(await Store.GetLeaseAsync(day, T0));
    }

    [Fact]
    public async Task OpenAsync_Twice_MigratesOnce_AndCreatesEveryTable()
    {
        await Store.DisposeAsync();
        Store = await OpenAsync();

        Assert.Equal(9, await Store.GetSchemaVersionAsync());
        Assert.Equal(
            ["automation_cursors", "backfill_steps", "backfills", "check_results", "leases", "materialization_upstream", "materializations", "partition_states", "reconciliation_mark", "run_events", "schema_version", "source_observations", "status_generation", "status_grid_snapshot_key", "store_session"],
            await Store.GetTableNamesAsync());
    }

    [Fact]
    public async Task ReconciliationMark_IsAbsentInANewStore_ThenReplacedAndKeptAcrossAReopen()
    {
        Assert.Null(await Store.GetReconciledThroughAsync("/data/root"));

        await Store.SetReconciledThroughAsync("/data/root", Instant.FromUtc(2026, 3, 10, 5, 0));
        await Store.SetReconciledThroughAsync("/data/root", Instant.FromUtc(2026, 3, 11, 5, 0));
        await Store.DisposeAsync();
        Store = await OpenAsync();

        Assert.Equal(Instant.FromUtc(2026, 3, 11, 5, 0), await Store.GetReconciledThroughAsync("/data/root"));
    }

    [Fact]
    public async Task ReconciliationMark_OfAnotherRoot_IsNoMarkForThisOne()
    {
        await Store.SetReconciledThroughAsync("s3://dev/assets", Instant.FromUtc(2026, 3, 10, 5, 0));

        Assert.Null(await Store.GetReconciledThroughAsync("s3://prod/assets"));
        Assert.Equal(Instant.FromUtc(2026, 3, 10, 5, 0), await Store.GetReconciledThroughAsync("s3://dev/assets"));
    }

}

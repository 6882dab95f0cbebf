using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using Assets.Storage.Maintenance;
using Assets.Storage.Metadata;
using Assets.Storage.Publishing;
using NodaTime;

namespace Assets.Storage.Tests.Publishing;

/// <summary>
/// The metadata store groups index writes into one commit (MetadataStoreOptions.IndexWriteDelay): what a crash
/// can lose is restored from the pointers, leases keep excluding other runs, and reads see pending writes.
/// </summary>
public sealed class GroupCommitTests
{
    private static readonly AssetPartition Day = ProtocolHarness.Day;

    // Long enough that no timed commit happens during a test: only reads, dispose or the test commit.
    private static readonly MetadataStoreOptions Grouped = new() { IndexWriteDelay = Duration.FromHours(1) };

    [Fact]
    public async Task CrashAfterThePointerBeforeTheGroupedWritesCommit_IsReconciledToPublished()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var store = (DuckDbMetadataStore)await harness.OpenMetadataAsync("grouped.duckdb", Grouped);
        var first = await harness.PublishAsync(ProtocolHarness.Rows(50, seed: 1));
        await store.FlushAsync();
        var second = await harness.PublishAsync(ProtocolHarness.Rows(50, seed: 2));
        Assert.True(store.PendingWriteCount > 0);

        // The process dies: the pointer of the second publish is on disk, its index entries were only in memory.
        await store.SimulateCrashAsync();
        var reopened = await harness.OpenMetadataAsync("grouped.duckdb", Grouped);
        Assert.Equal(first.MaterializationId, (await reopened.GetStateAsync(Day))!.MaterializationId);

        var report = await new PointerReconciler(harness.Store, reopened, harness.Clock).ReconcileAsync();

        Assert.Equal(1, report.Updated);
        var state = await reopened.GetStateAsync(Day);
        Assert.Equal((PartitionStatus.Published, second.MaterializationId, second.DataVersion, 2L), (state!.Status, state.MaterializationId, state.DataVersion, state.Sequence));
        var records = await reopened.GetMaterializationsAsync(Day);
        Assert.Contains(records, r => r.Id == second.MaterializationId && r.Sequence == 2);
        Assert.Equal(ProtocolHarness.Rows(50, seed: 2), await harness.ReadAsync());

        // Nothing of the dead run holds the partition: the next run claims and publishes it.
        Assert.Equal(3, (await harness.PublishAsync(ProtocolHarness.Rows(50, seed: 3))).Sequence);
    }

    [Fact]
    public async Task CrashWhileARunHoldsThePartitionBeforeItsPointer_IsReconciledToFailedWithThePreviousVersion()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var store = (DuckDbMetadataStore)await harness.OpenMetadataAsync("grouped.duckdb", Grouped);
        var first = await harness.PublishAsync(ProtocolHarness.Rows(50, seed: 1));
        var crashed = await harness.Publisher.BeginAsync(Day, RunId.New());
        await ProtocolHarness.StageAsync(crashed, ProtocolHarness.Rows(50, seed: 2));

        // A read commits the running state; then the process dies before its pointer lands.
        Assert.Equal(PartitionStatus.Running, (await store.GetStatesAsync()).Single().Status);
        await store.SimulateCrashAsync();
        var reopened = await harness.OpenMetadataAsync("grouped.duckdb", Grouped);
        await new PointerReconciler(harness.Store, reopened, harness.Clock).ReconcileAsync();

        var state = await reopened.GetStateAsync(Day);
        Assert.Equal((PartitionStatus.Failed, first.MaterializationId), (state!.Status, state.MaterializationId));
        Assert.Equal(ProtocolHarness.Rows(50, seed: 1), await harness.ReadAsync());
    }

    [Fact]
    public async Task ALeaseTakenButNotCommitted_StillExcludesAnotherRun()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var store = (DuckDbMetadataStore)await harness.OpenMetadataAsync("grouped.duckdb", Grouped);
        await using var holder = await harness.Publisher.BeginAsync(Day, RunId.New());
        Assert.True(store.PendingWriteCount > 0);

        await Assert.ThrowsAsync<PartitionLeasedException>(() => harness.Publisher.BeginAsync(Day, RunId.New()));
    }

    [Fact]
    public async Task AHeldLease_ExcludesWhileTheStoreIsOpen_AndIsDroppedWhenTheFileIsNextOpened()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var store = (DuckDbMetadataStore)await harness.OpenMetadataAsync("grouped.duckdb", Grouped);
        var holder = RunId.New();
        var other = new AssetPartition(Day.Asset, new PartitionKey("2026-01-06"));
        Assert.True(await store.TryAcquireLeaseAsync(Day, holder, harness.Clock.GetCurrentInstant(), Duration.FromMinutes(10)));
        Assert.True(await store.TryAcquireLeaseAsync(other, holder, harness.Clock.GetCurrentInstant(), Duration.FromMinutes(10)));
        await store.ReleaseLeaseAsync(other, holder);
        Assert.False(await store.TryAcquireLeaseAsync(Day, RunId.New(), harness.Clock.GetCurrentInstant(), Duration.FromMinutes(10)));
        Assert.True(await store.TryAcquireLeaseAsync(other, RunId.New(), harness.Clock.GetCurrentInstant(), Duration.FromMinutes(10)));
        await store.DisposeAsync();

        // DuckDB admits one process per file: whoever opens it next holds no lease, so the recorded ones are a gone process's.
        var reopened = await harness.OpenMetadataAsync("grouped.duckdb", Grouped);

        Assert.True(await reopened.TryAcquireLeaseAsync(Day, RunId.New(), harness.Clock.GetCurrentInstant(), Duration.FromMinutes(10)));
    }

    [Fact]
    public async Task ReadsSeeWritesThatAreStillPending()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var store = (DuckDbMetadataStore)await harness.OpenMetadataAsync("grouped.duckdb", Grouped);
        var run = RunId.New();
        var pointer = await harness.PublishAsync(ProtocolHarness.Rows(10));
        await store.AppendEventsAsync([new RunEvent(run, harness.Clock.GetCurrentInstant(), RunEventKind.RunCompleted, null, null, "done")]);
        Assert.True(store.PendingWriteCount > 0);

        Assert.Equal(pointer.MaterializationId, (await store.GetStateAsync(Day))!.MaterializationId);
        Assert.Equal(PartitionStatus.Published, Assert.Single(await store.GetStatesAsync()).Status);
        Assert.Equal(pointer.Sequence, Assert.Single(await store.GetMaterializationsAsync(Day)).Sequence);
        Assert.Equal("done", Assert.Single(await store.GetEventsAsync(run)).Message);
        Assert.Equal(0, store.PendingWriteCount);
    }

    [Fact]
    public async Task WithoutADelay_EveryWriteIsCommittedBeforeItReturns()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var store = (DuckDbMetadataStore)await harness.OpenMetadataAsync("write-through.duckdb", new MetadataStoreOptions { IndexWriteDelay = Duration.Zero });
        await using var publication = await harness.Publisher.BeginAsync(Day, RunId.New());

        Assert.Equal(0, store.PendingWriteCount);
        await store.AppendEventsAsync([new RunEvent(RunId.New(), harness.Clock.GetCurrentInstant(), RunEventKind.RunStarted, null, null, null)]);
        Assert.Equal(0, store.PendingWriteCount);
    }

    [Fact]
    public async Task TooManyPendingWrites_AreCommittedAtOnce()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var store = (DuckDbMetadataStore)await harness.OpenMetadataAsync("bounded.duckdb", new MetadataStoreOptions { IndexWriteDelay = Duration.FromHours(1), MaxPendingWrites = 3 });
        var now = harness.Clock.GetCurrentInstant();
        var states = Enumerable.Range(1, 2).Select(i => new PartitionState(new AssetPartition(Day.Asset, new PartitionKey($"2026-01-0{i}")), PartitionStatus.Failed, "x", null, null, null, null, null, now)).ToArray();

        await store.SetStatesAsync(states);
        Assert.Equal(2, store.PendingWriteCount);
        await store.AppendEventsAsync([new RunEvent(RunId.New(), now, RunEventKind.RunStarted, null, null, null)]);

        Assert.Equal(0, store.PendingWriteCount);
    }

    [Fact]
    public async Task ALeaseWhoseCommitFailed_IsGivenBack()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var store = await harness.OpenMetadataAsync("grouped.duckdb", Grouped);
        harness.UseMetadata(new FailingRecordMetadataStore(store, failAfterTakingLease: true));

        await Assert.ThrowsAsync<IOException>(() => harness.Publisher.BeginAsync(Day, RunId.New()));

        Assert.True(await store.TryAcquireLeaseAsync(Day, RunId.New(), harness.Clock.GetCurrentInstant(), Duration.FromMinutes(10)));
    }
}

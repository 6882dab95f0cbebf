using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using Assets.Storage.Maintenance;
using Assets.Storage.Metadata;
using Assets.Storage.Publishing;
using NodaTime;
using NodaTime.Testing;

namespace Assets.Storage.Tests.Publishing;

/// <summary>
/// Opening a store reconciles only what can have changed since the last reconciliation
/// (PointerReconciler.ReconcileChangesAsync): it reads no pointer of an unchanged root, and still finds every
/// publish a crash kept from the index and every pointer changed behind the store's back.
/// </summary>
public sealed class IncrementalReconciliationTests
{
    private static readonly AssetPartition Day = ProtocolHarness.Day;
    private static readonly AssetPartition NextDay = new(Day.Asset, new PartitionKey("2026-01-06"));
    private static readonly MetadataStoreOptions Grouped = new() { IndexWriteDelay = Duration.FromHours(1) };

    [Fact]
    public async Task AStoreWithoutAMark_IsReconciledInFull_ThenAnUnchangedRootCostsNoPointerRead()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        await harness.PublishAsync(ProtocolHarness.Rows(10, 2), NextDay);
        var rebuilt = await harness.OpenMetadataAsync("rebuilt.duckdb");

        var first = await Reconciler(harness, rebuilt, Later()).ReconcileChangesAsync();
        var second = await Reconciler(harness, rebuilt, Later()).ReconcileChangesAsync();

        Assert.Equal((2, 2, 2), (first.Pointers, first.Read, first.Updated));
        Assert.Equal((2, 0, 0), (second.Pointers, second.Read, second.Updated));
        Assert.Equal(PartitionStatus.Published, (await rebuilt.GetStateAsync(NextDay))!.Status);
    }

    [Fact]
    public async Task CrashAfterThePointerBeforeTheGroupedWritesCommit_IsFoundByItsModificationTime()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var store = (DuckDbMetadataStore)await harness.OpenMetadataAsync("grouped.duckdb", Grouped);
        await harness.PublishAsync(ProtocolHarness.Rows(50, seed: 1));
        await Reconciler(harness, store).ReconcileChangesAsync();
        var second = await harness.PublishAsync(ProtocolHarness.Rows(50, seed: 2));

        // The process dies: the pointer is on disk; its running state, record and published state were only in memory.
        await store.SimulateCrashAsync();
        var reopened = await harness.OpenMetadataAsync("grouped.duckdb", Grouped);
        Assert.Equal(PartitionStatus.Published, (await reopened.GetStateAsync(Day))!.Status);
        var report = await Reconciler(harness, reopened).ReconcileChangesAsync();

        Assert.Equal((1, 1), (report.Read, report.Updated));
        var state = await reopened.GetStateAsync(Day);
        Assert.Equal((PartitionStatus.Published, second.MaterializationId, second.DataVersion, 2L), (state!.Status, state.MaterializationId, state.DataVersion, state.Sequence));
        Assert.Contains(await reopened.GetMaterializationsAsync(Day), r => r.Id == second.MaterializationId && r.Sequence == 2);
    }

    [Fact]
    public async Task CrashWhileARunHoldsThePartition_IsSettledWithoutReadingTheOtherPointers()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var store = (DuckDbMetadataStore)await harness.OpenMetadataAsync("grouped.duckdb", Grouped);
        var first = await harness.PublishAsync(ProtocolHarness.Rows(50, seed: 1));
        await harness.PublishAsync(ProtocolHarness.Rows(50, seed: 3), NextDay);
        await Reconciler(harness, store, Later()).ReconcileChangesAsync();
        var crashed = await harness.Publisher.BeginAsync(Day, RunId.New());
        await ProtocolHarness.StageAsync(crashed, ProtocolHarness.Rows(50, seed: 2));

        // A read of every state commits the running state; then the process dies before its pointer lands.
        Assert.Equal(PartitionStatus.Running, (await store.GetStatesAsync()).Single(s => s.Partition == Day).Status);

        await store.SimulateCrashAsync();
        var reopened = await harness.OpenMetadataAsync("grouped.duckdb", Grouped);
        var report = await Reconciler(harness, reopened, Later()).ReconcileChangesAsync();

        Assert.Equal(1, report.Read);
        var state = await reopened.GetStateAsync(Day);
        Assert.Equal((PartitionStatus.Failed, first.MaterializationId), (state!.Status, state.MaterializationId));
        Assert.StartsWith("The run materializing this partition was interrupted", state.Cause, StringComparison.Ordinal);
        Assert.Equal(PartitionStatus.Published, (await reopened.GetStateAsync(NextDay))!.Status);
    }

    [Fact]
    public async Task APointerRepublishedBehindTheStoresBack_IsFoundAndOnlyItIsRead()
    {
        // Two metadata stores on one root (two machines on an S3 root): B republishes a day A has recorded.
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var machineA = harness.Metadata;
        await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        await harness.PublishAsync(ProtocolHarness.Rows(10, 2), NextDay);
        BackdatePointers(harness, Day, NextDay);
        await Reconciler(harness, machineA).ReconcileChangesAsync();
        await harness.OpenMetadataAsync("machine-b.duckdb");
        var republished = await harness.PublishAsync(ProtocolHarness.Rows(10, 3));

        var report = await Reconciler(harness, machineA).ReconcileChangesAsync();

        Assert.Equal((1, 1), (report.Read, report.Updated));
        var state = await machineA.GetStateAsync(Day);
        Assert.Equal((republished.MaterializationId, 2L), (state!.MaterializationId, state.Sequence));
    }

    [Fact]
    public async Task APointerDeletedBehindTheStoresBack_MakesItsPartitionMissingWithoutAnyRead()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        await harness.PublishAsync(ProtocolHarness.Rows(10, 2), NextDay);
        await Reconciler(harness, harness.Metadata, Later()).ReconcileChangesAsync();
        await harness.Store.DeleteAsync(StorageLayout.PointerOf(NextDay));

        var report = await Reconciler(harness, harness.Metadata, Later()).ReconcileChangesAsync();

        Assert.Equal((1, 0, 1), (report.Pointers, report.Read, report.Updated));
        Assert.Equal(PartitionStatus.Missing, (await harness.Metadata.GetStateAsync(NextDay))!.Status);
        Assert.Equal(PartitionStatus.Published, (await harness.Metadata.GetStateAsync(Day))!.Status);
    }

    [Fact]
    public async Task AFullReconciliation_ReadsEveryPointerWhateverTheMark()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        await harness.PublishAsync(ProtocolHarness.Rows(10, 2), NextDay);
        await Reconciler(harness, harness.Metadata, Later()).ReconcileChangesAsync();

        var report = await Reconciler(harness, harness.Metadata, Later()).ReconcileAsync();

        Assert.Equal((2, 2, 0), (report.Pointers, report.Read, report.Updated));
    }

    /// <summary>Stamps the pointers an hour back, as an earlier run's are.</summary>
    private static void BackdatePointers(ProtocolHarness harness, params AssetPartition[] partitions)
    {
        foreach (var partition in partitions)
        {
            File.SetLastWriteTimeUtc(Path.Combine(harness.Store.Location, StorageLayout.PointerOf(partition).Value), DateTime.UtcNow.AddHours(-1));
        }
    }

    private static PointerReconciler Reconciler(ProtocolHarness harness, IMetadataStore metadata, IClock? storeClock = null)
        => new(harness.Store, metadata, harness.Clock, storeClock);

    /// <summary>The object store's clock well past the pointers just written: nothing is within the mark's tolerance.</summary>
    private static FakeClock Later() => new(SystemClock.Instance.GetCurrentInstant() + Duration.FromMinutes(10));
}

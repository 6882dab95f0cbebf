using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using Assets.Storage.Maintenance;
using Assets.Storage.Objects;
using Assets.Storage.Publishing;
using NodaTime;

namespace Assets.Storage.Tests.Publishing;

public sealed class MaintenanceTests
{
    private static readonly AssetPartition Day = ProtocolHarness.Day;
    private static readonly AssetPartition NextDay = new(AssetKey.Parse("sales/orders"), new PartitionKey("2026-01-06"));
    private static readonly AssetPartition Summary = new(AssetKey.Parse("summary"), null);

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Local)]
    public async Task Verify_IntactRoot_ReportsWhatItChecked(StoreKind kind)
    {
        await using var harness = await ProtocolHarness.CreateAsync(kind);
        await harness.PublishAsync(ProtocolHarness.Rows(100));
        await harness.PublishAsync(ProtocolHarness.Rows(50), Summary);

        var report = await new RootVerifier(harness.Store).VerifyAsync();

        Assert.True(report.IsIntact);
        Assert.Equal((2, 2), (report.Partitions, report.Files));
        Assert.True(report.Bytes > 0);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Local)]
    public async Task Verify_DeletedTruncatedAndCorruptObjects_AreEachReportedWithoutThrowing(StoreKind kind)
    {
        await using var harness = await ProtocolHarness.CreateAsync(kind);
        var deleted = await harness.PublishAsync(ProtocolHarness.Rows(100, 1), Day);
        var truncated = await harness.PublishAsync(ProtocolHarness.Rows(100, 2), NextDay);
        var corrupt = await harness.PublishAsync(ProtocolHarness.Rows(100, 3), Summary);
        var intact = await harness.PublishAsync(ProtocolHarness.Rows(100, 4), new AssetPartition(AssetKey.Parse("other"), null));

        await harness.Store.DeleteAsync(StorageLayout.DataFile(Day, deleted.MaterializationId, 0));
        var truncatedKey = StorageLayout.DataFile(NextDay, truncated.MaterializationId, 0);
        var bytes = await harness.ReadBytesAsync(truncatedKey.Value);
        await harness.Store.DeleteAsync(truncatedKey);
        await harness.Store.CreateIfAbsentAsync(truncatedKey, new MemoryStream(bytes[..(bytes.Length / 2)]));
        var manifestKey = StorageLayout.ManifestOf(Summary, corrupt.MaterializationId);
        await harness.Store.DeleteAsync(manifestKey);
        await harness.Store.CreateIfAbsentAsync(manifestKey, new MemoryStream("{\"formatVersion\": 1, \"asset\": "u8.ToArray()));

        var report = await new RootVerifier(harness.Store).VerifyAsync();

        Assert.False(report.IsIntact);
        Assert.Equal(3, report.Problems.Count);
        Assert.Contains(report.Problems, p => p.Partition == Day && p.Problem == "the data file is missing.");
        Assert.Contains(report.Problems, p => p.Partition == NextDay && p.Problem.StartsWith($"the data file has {bytes.Length / 2} bytes, the manifest says {bytes.Length}", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p.Partition == Summary && p.Problem.Contains("the manifest is not valid JSON", StringComparison.Ordinal));
        Assert.Equal(4, report.Partitions);
        Assert.NotNull(intact);
    }

    [Fact]
    public async Task Verify_ADataFileWithTheSameSizeButOtherBytes_IsReportedAsCorrupted()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var pointer = await harness.PublishAsync(ProtocolHarness.Rows(100));
        var key = StorageLayout.DataFile(Day, pointer.MaterializationId, 0);
        var bytes = await harness.ReadBytesAsync(key.Value);
        bytes[bytes.Length / 2] ^= 0xFF;
        await harness.Store.DeleteAsync(key);
        await harness.Store.CreateIfAbsentAsync(key, new MemoryStream(bytes));

        var problem = Assert.Single((await new RootVerifier(harness.Store).VerifyAsync()).Problems);

        Assert.Contains("(corrupted)", problem.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_WithASelection_ChecksOnlyThoseAssets()
    {
        await using var harness = await ProtocolHarness.CreateAsync();
        var broken = await harness.PublishAsync(ProtocolHarness.Rows(10), Summary);
        await harness.PublishAsync(ProtocolHarness.Rows(10));
        await harness.Store.DeleteAsync(StorageLayout.DataFile(Summary, broken.MaterializationId, 0));

        var report = await new RootVerifier(harness.Store).VerifyAsync(asset => asset.Value == "sales/orders");

        Assert.True(report.IsIntact);
        Assert.Equal(1, report.Partitions);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Local)]
    public async Task Gc_RemovesOnlyUnreferencedObjectsOlderThanTheRetention(StoreKind kind)
    {
        await using var harness = await ProtocolHarness.CreateAsync(kind);
        var old = await harness.PublishAsync(ProtocolHarness.Rows(100, 1));
        var current = await harness.PublishAsync(ProtocolHarness.Rows(100, 2));
        var summary = await harness.PublishAsync(ProtocolHarness.Rows(10, 3), Summary);
        var before = await AllKeysAsync(harness.Store);
        var collector = new GarbageCollector(harness.Store, new SystemClockAfter(TimeSpan.FromDays(8)));

        var dryRun = await collector.CollectAsync(Duration.FromDays(7), dryRun: true);
        Assert.Equal(before, await AllKeysAsync(harness.Store));
        var report = await collector.CollectAsync(Duration.FromDays(7), dryRun: false);

        var expectedRemoved = new[] { StorageLayout.DataFile(Day, old.MaterializationId, 0).Value, StorageLayout.ManifestOf(Day, old.MaterializationId).Value };
        Assert.Equal(expectedRemoved.Order(StringComparer.Ordinal), dryRun.Removed.Order(StringComparer.Ordinal));
        Assert.Equal(expectedRemoved.Order(StringComparer.Ordinal), report.Removed.Order(StringComparer.Ordinal));
        Assert.True(report.Bytes > 0);
        Assert.Equal(ProtocolHarness.Rows(100, 2), await harness.ReadAsync());
        Assert.Equal(ProtocolHarness.Rows(10, 3), await harness.ReadAsync(Summary));
        Assert.True((await new RootVerifier(harness.Store).VerifyAsync()).IsIntact);
        Assert.NotNull(current);
        Assert.NotNull(summary);
    }

    [Fact]
    public async Task Gc_KeepsUnreferencedObjectsYoungerThanTheRetention()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        await harness.PublishAsync(ProtocolHarness.Rows(10, 2));

        var report = await new GarbageCollector(harness.Store, new SystemClockAfter(TimeSpan.Zero)).CollectAsync(Duration.FromDays(7), dryRun: false);

        Assert.Equal((0, 2), (report.Objects, report.Kept));
    }

    [Fact]
    public async Task Gc_AnUnreadablePointer_StopsItBeforeRemovingAnything()
    {
        await using var harness = await ProtocolHarness.CreateAsync();
        await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        await harness.PublishAsync(ProtocolHarness.Rows(10, 2));
        await harness.Store.ReplaceIfMatchAsync(StorageLayout.PointerOf(Summary), "not json"u8.ToArray(), null);
        var before = await AllKeysAsync(harness.Store);

        var error = await Assert.ThrowsAsync<CorruptObjectException>(
            () => new GarbageCollector(harness.Store, new SystemClockAfter(TimeSpan.FromDays(30))).CollectAsync(Duration.FromDays(7), dryRun: false));

        Assert.Contains("gc removes nothing while a pointer cannot be read", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await AllKeysAsync(harness.Store));
    }

    [Fact]
    public async Task Rollback_RepointsAtThePreviousVersionAndRecordsIt()
    {
        await using var harness = await ProtocolHarness.CreateAsync();
        var v1 = await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        var v2 = await harness.PublishAsync(ProtocolHarness.Rows(10, 2));
        var run = RunId.New();

        var pointer = await new PartitionRollback(harness.Store, harness.Metadata, harness.Clock).RollbackAsync(Day, null, run);

        Assert.Equal((v1.MaterializationId, v1.DataVersion, 3L), (pointer.MaterializationId, pointer.DataVersion, pointer.Sequence));
        Assert.Equal(ProtocolHarness.Rows(10, 1), await harness.ReadAsync());
        var state = await harness.Metadata.GetStateAsync(Day);
        Assert.Equal((PartitionStatus.Published, v1.MaterializationId, 3L), (state!.Status, state.MaterializationId, state.Sequence));
        var rolledBack = Assert.Single(await harness.Metadata.GetEventsAsync(run));
        Assert.Equal(RunEventKind.RolledBack, rolledBack.Kind);
        Assert.Equal($"rolled back from materialization {v2.MaterializationId} to {v1.MaterializationId}", rolledBack.Message);
    }

    [Fact]
    public async Task Rollback_ToAnExplicitMaterialization_ThenBackUndoesIt()
    {
        await using var harness = await ProtocolHarness.CreateAsync();
        var v1 = await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        await harness.PublishAsync(ProtocolHarness.Rows(10, 2));
        await harness.PublishAsync(ProtocolHarness.Rows(10, 3));
        var rollback = new PartitionRollback(harness.Store, harness.Metadata, harness.Clock);

        await rollback.RollbackAsync(Day, v1.MaterializationId, RunId.New());
        Assert.Equal(ProtocolHarness.Rows(10, 1), await harness.ReadAsync());

        // Without a target: the version published before the current one, which undoes the rollback.
        await rollback.RollbackAsync(Day, null, RunId.New());
        Assert.Equal(ProtocolHarness.Rows(10, 3), await harness.ReadAsync());
    }

    [Fact]
    public async Task Rollback_AfterTheStoreWasRebuilt_FallsBackToTheNewestOlderManifest()
    {
        await using var harness = await ProtocolHarness.CreateAsync();
        await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        await harness.PublishAsync(ProtocolHarness.Rows(10, 2));
        await harness.PublishAsync(ProtocolHarness.Rows(10, 3));
        var rebuilt = await harness.OpenMetadataAsync("rebuilt.duckdb");
        await new PointerReconciler(harness.Store, rebuilt, harness.Clock).ReconcileAsync();

        await new PartitionRollback(harness.Store, rebuilt, harness.Clock).RollbackAsync(Day, null, RunId.New());

        Assert.Equal(ProtocolHarness.Rows(10, 2), await harness.ReadAsync());
    }

    [Fact]
    public async Task Rollback_ToAMaterializationWhoseFilesAreGone_IsRefusedAndChangesNothing()
    {
        await using var harness = await ProtocolHarness.CreateAsync();
        var v1 = await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        var v2 = await harness.PublishAsync(ProtocolHarness.Rows(10, 2));
        await harness.Store.DeleteAsync(StorageLayout.DataFile(Day, v1.MaterializationId, 0));

        var error = await Assert.ThrowsAsync<CorruptObjectException>(
            () => new PartitionRollback(harness.Store, harness.Metadata, harness.Clock).RollbackAsync(Day, v1.MaterializationId, RunId.New()));

        Assert.Contains($"materialization {v1.MaterializationId} cannot be restored: the data file is missing.", error.Message, StringComparison.Ordinal);
        Assert.Equal(v2, (await PublishedPartitions.ReadPointerAsync(harness.Store, Day)).Current);
    }

    [Fact]
    public async Task Rollback_OfANeverPublishedPartition_SaysSo()
    {
        await using var harness = await ProtocolHarness.CreateAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new PartitionRollback(harness.Store, harness.Metadata, harness.Clock).RollbackAsync(Day, null, RunId.New()));

        Assert.Equal("sales/orders[2026-01-05] was never published, so there is nothing to roll back.", error.Message);
    }

    private static async Task<string[]> AllKeysAsync(IObjectStore store)
    {
        var keys = new List<string>();
        await foreach (var entry in store.ListAsync(string.Empty))
        {
            keys.Add(entry.Key.Value);
        }

        return [.. keys];
    }

    /// <summary>
    /// "Now" for gc: the store's objects carry real file or wall-clock times, so retention is judged
    /// against the real clock moved forward by <paramref name="after"/>.
    /// </summary>
    private sealed class SystemClockAfter(TimeSpan after) : IClock
    {
        public Instant GetCurrentInstant() => SystemClock.Instance.GetCurrentInstant() + Duration.FromTimeSpan(after);
    }
}

using Assets.Graph;
using Assets.Partitions;
using Assets.Storage.Maintenance;
using Assets.Storage.Publishing;
using Assets.Storage.Tests.Publishing;
using NodaTime;

namespace Assets.Storage.Tests.S3;

/// <summary>The publish protocol end to end on an S3 root: what is published is read back through the pointer.</summary>
[Collection(S3ServerFixture.Collection)]
public sealed class S3PublishProtocolTests(S3ServerFixture server)
{
    private Task<ProtocolHarness> CreateAsync() => ProtocolHarness.CreateAsync(_ => server.CreateStore(name: "protocol"));

    [Fact]
    public async Task PublishedPartitions_AreReadBackThroughThePointer()
    {
        await using var harness = await CreateAsync();
        var unpartitioned = new AssetPartition(AssetKey.Parse("summary"), null);
        var rows = ProtocolHarness.Rows(2000);

        var first = await harness.PublishAsync(ProtocolHarness.Rows(100, seed: 1));
        var second = await harness.PublishAsync(rows);
        await harness.PublishAsync(ProtocolHarness.Rows(3), unpartitioned);

        Assert.Equal(rows, await harness.ReadAsync());
        Assert.Equal(ProtocolHarness.Rows(3), await harness.ReadAsync(unpartitioned));
        Assert.Equal(2, second.Sequence);
        var report = await new RootVerifier(harness.Store).VerifyAsync();
        Assert.True(report.IsIntact, string.Join("\n", report.Problems));
        Assert.Equal(2, report.Partitions);
        Assert.NotEqual(first.DataVersion, second.DataVersion);
    }

    [Fact]
    public async Task Read_AByteFlippedInAnS3Object_FailsAsTheDownloadIsHashed()
    {
        await using var harness = await CreateAsync();
        var pointer = await harness.PublishAsync(ProtocolHarness.Rows(1000));
        var key = StorageLayout.DataFile(ProtocolHarness.Day, pointer.MaterializationId, 0);
        var actual = await ReadVerificationTests.CorruptAsync(harness.Store, key, offset: 300);

        var error = await Assert.ThrowsAsync<CorruptDataFileException>(() => harness.ReadAsync());

        Assert.Equal(actual, error.ActualSha256);
    }

    [Fact]
    public async Task SameInputTwice_GivesTheSameDataVersionAndBytes()
    {
        await using var harness = await CreateAsync();
        var rows = ProtocolHarness.Rows(500);

        var first = await harness.PublishAsync(rows);
        var second = await harness.PublishAsync(rows);

        Assert.Equal(first.DataVersion, second.DataVersion);
        var firstFile = (await PublishedPartitions.ReadManifestAsync(harness.Store, ProtocolHarness.Day, first.MaterializationId)).Files[0];
        var secondFile = (await PublishedPartitions.ReadManifestAsync(harness.Store, ProtocolHarness.Day, second.MaterializationId)).Files[0];
        Assert.Equal(await harness.ReadBytesAsync(firstFile.Path), await harness.ReadBytesAsync(secondFile.Path));
    }

    [Fact]
    public async Task ReconcileAfterDeletingTheMetadataStore_RebuildsFromTheS3Pointers()
    {
        await using var harness = await CreateAsync();
        var pointer = await harness.PublishAsync(ProtocolHarness.Rows(10));
        var rebuilt = await harness.OpenMetadataAsync("fresh.duckdb");

        var report = await new PointerReconciler(harness.Store, rebuilt, harness.Clock).ReconcileAsync();

        Assert.Equal((1, 1), (report.Pointers, report.Updated));
        Assert.Equal(pointer.MaterializationId, (await rebuilt.GetStateAsync(ProtocolHarness.Day))!.MaterializationId);
    }

    [Fact]
    public async Task Gc_OnS3_RemovesTheUnreferencedVersionOnly()
    {
        await using var harness = await CreateAsync();
        var old = await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        await harness.PublishAsync(ProtocolHarness.Rows(10, 2));

        var report = await new GarbageCollector(harness.Store, new FutureClock()).CollectAsync(Duration.FromDays(1), dryRun: false);

        Assert.Equal(
            new[] { StorageLayout.DataFile(ProtocolHarness.Day, old.MaterializationId, 0).Value, StorageLayout.ManifestOf(ProtocolHarness.Day, old.MaterializationId).Value }.Order(StringComparer.Ordinal),
            report.Removed.Order(StringComparer.Ordinal));
        Assert.Equal(ProtocolHarness.Rows(10, 2), await harness.ReadAsync());
    }

    private sealed class FutureClock : IClock
    {
        public Instant GetCurrentInstant() => SystemClock.Instance.GetCurrentInstant() + Duration.FromDays(2);
    }
}

using Assets.Graph;
using Assets.Partitions;
using Assets.Storage.Maintenance;
using Assets.Storage.Objects;
using Assets.Storage.Publishing;
using NodaTime;

namespace Assets.Storage.Tests.Publishing;

/// <summary>
/// gc never removes what a materialization in flight needs, nor what a pointer names. gc here shares only the
/// root with the publisher (not its metadata store or process state), as a gc in another process or on another
/// machine would.
/// </summary>
public sealed class GcInFlightTests
{
    private static readonly AssetPartition Day = ProtocolHarness.Day;

    [Theory]
    [InlineData(StoreKind.Memory, 25)]
    [InlineData(StoreKind.Local, 10)]
    public async Task Gc_LoopingWithNoRetentionWhilePartitionsArePublished_NeverBreaksAPublishedPartition(StoreKind kind, int rounds)
    {
        await using var harness = await ProtocolHarness.CreateAsync(kind);
        var partitions = Enumerable.Range(1, 4).Select(d => new AssetPartition(Day.Asset, new PartitionKey($"2026-01-{d:D2}"))).ToArray();
        var collector = new GarbageCollector(harness.Store, SystemClock.Instance);
        using var publishing = new CancellationTokenSource();
        var collections = 0;
        var removed = 0;
        var looping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gcLoop = Task.Run(async () =>
        {
            while (!publishing.IsCancellationRequested)
            {
                Interlocked.Add(ref removed, (await collector.CollectAsync(Duration.Zero, dryRun: false)).Objects);
                collections++;
                looping.TrySetResult();
            }
        });
        await looping.Task;

        var published = new Dictionary<AssetPartition, PartitionPointer>();
        var lastRound = 0;
        try
        {
            // materialize --force, over and over: every round replaces each partition's version. On a quiet machine
            // the publishes can outrun the loop's timing; more rounds (bounded) until gc has removed something while
            // they run, so the test always exercises the race it is about.
            for (var round = 0; round < rounds || (Volatile.Read(ref removed) == 0 && round < rounds * 20); round++)
            {
                foreach (var partition in partitions)
                {
                    published[partition] = await harness.PublishAsync(ProtocolHarness.Rows(20 + round, round), partition);
                }

                lastRound = round;
            }
        }
        finally
        {
            await publishing.CancelAsync();
            await gcLoop;
        }

        var report = await new RootVerifier(harness.Store).VerifyAsync();
        Assert.True(report.IsIntact, $"after {collections} collections: " + string.Join("\n", report.Problems));
        Assert.Equal(partitions.Length, report.Partitions);
        foreach (var (partition, pointer) in published)
        {
            Assert.Equal(pointer, (await PublishedPartitions.ReadPointerAsync(harness.Store, partition)).Current);
            Assert.Equal(ProtocolHarness.Rows(20 + lastRound, lastRound), await harness.ReadAsync(partition));
        }

        Assert.True(collections > 1 && removed > 0, $"gc ran {collections} times and removed {removed} objects: the loop did not overlap the publishes.");
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Local)]
    public async Task Gc_WithNoRetention_LeavesTheStagedFilesOfAMaterializationInFlight(StoreKind kind)
    {
        await using var harness = await ProtocolHarness.CreateAsync(kind);
        var previous = await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        await using var publication = await harness.Publisher.BeginAsync(Day, RunId.New());
        var staged = await ProtocolHarness.StageAsync(publication, ProtocolHarness.Rows(10, 2));

        var report = await new GarbageCollector(harness.Store, SystemClock.Instance).CollectAsync(Duration.Zero, dryRun: false);
        await ProtocolHarness.ManifestAsync(publication);
        var second = await new GarbageCollector(harness.Store, SystemClock.Instance).CollectAsync(Duration.Zero, dryRun: false);
        var pointer = await publication.PublishAsync();

        Assert.Equal((0, 1), (report.Objects, report.InFlight));
        Assert.Equal((0, 1), (second.Objects, second.InFlight));
        Assert.NotNull(await harness.Store.GetSizeAsync(ObjectKey.Parse(staged.Path)));
        Assert.Equal(publication.Id, pointer.MaterializationId);
        Assert.Equal(ProtocolHarness.Rows(10, 2), await harness.ReadAsync());
        Assert.Null(await harness.Store.GetSizeAsync(StorageLayout.StagingMarkerOf(Day, publication.Id)));

        // Settled: the replaced version is ordinary garbage now, and the marker is gone.
        var after = await new GarbageCollector(harness.Store, SystemClock.Instance).CollectAsync(Duration.Zero, dryRun: false);
        Assert.Equal(
            new[] { StorageLayout.DataFile(Day, previous.MaterializationId, 0).Value, StorageLayout.ManifestOf(Day, previous.MaterializationId).Value }.Order(StringComparer.Ordinal),
            after.Removed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Gc_AMarkerNotRewrittenForItsLifetime_IsRemovedWithWhatItGuarded()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var publication = await harness.Publisher.BeginAsync(Day, RunId.New());
        var staged = await ProtocolHarness.StageAsync(publication, ProtocolHarness.Rows(10));
        var marker = StorageLayout.StagingMarkerOf(Day, publication.Id);

        // The process died here (never disposed): later, once the marker is older than its lifetime, gc may collect.
        var young = await new GarbageCollector(harness.Store, new SystemClockAfter(StagingMarkers.Lifetime - Duration.FromMinutes(5))).CollectAsync(Duration.Zero, dryRun: false);
        var dryRun = await new GarbageCollector(harness.Store, new SystemClockAfter(StagingMarkers.Lifetime + Duration.FromMinutes(5))).CollectAsync(Duration.Zero, dryRun: true);
        var old = await new GarbageCollector(harness.Store, new SystemClockAfter(StagingMarkers.Lifetime + Duration.FromMinutes(5))).CollectAsync(Duration.Zero, dryRun: false);

        Assert.Equal((0, 1), (young.Objects, young.InFlight));
        var expected = new[] { marker.Value, staged.Path }.Order(StringComparer.Ordinal);
        Assert.Equal(expected, dryRun.Removed.Order(StringComparer.Ordinal));
        Assert.Equal(expected, old.Removed.Order(StringComparer.Ordinal));
        Assert.Null(await harness.Store.GetSizeAsync(marker));
    }

    [Fact]
    public async Task Gc_AMarkerOfAnEarlierVersion_InItsPartitionsFolder_StillGuardsTheMaterialization()
    {
        // A process of an earlier version publishing into the same root: its marker has a folder of its own.
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var publication = await harness.Publisher.BeginAsync(Day, RunId.New());
        var staged = await ProtocolHarness.StageAsync(publication, ProtocolHarness.Rows(10));
        var marker = StorageLayout.StagingMarkerOf(Day, publication.Id);
        var earlier = StorageLayout.FolderedStagingMarkerOf(Day, publication.Id);
        var content = (await harness.Store.GetAsync(marker))!.Content;
        Assert.True((await harness.Store.CreateIfAbsentAsync(earlier, new MemoryStream(content.ToArray()))).Succeeded);
        Assert.True(await harness.Store.DeleteAsync(marker));

        var young = await new GarbageCollector(harness.Store, SystemClock.Instance).CollectAsync(Duration.Zero, dryRun: false);
        var old = await new GarbageCollector(harness.Store, new SystemClockAfter(StagingMarkers.Lifetime + Duration.FromMinutes(5))).CollectAsync(Duration.Zero, dryRun: false);

        Assert.Equal((0, 1), (young.Objects, young.InFlight));
        Assert.Equal(new[] { earlier.Value, staged.Path }.Order(StringComparer.Ordinal), old.Removed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Publication_RewritesItsMarkerWhenItGetsOld_AndRemovesItWhenItFails()
    {
        await using var harness = await ProtocolHarness.CreateAsync();
        await using var publication = await harness.Publisher.BeginAsync(Day, RunId.New());
        await ProtocolHarness.StageAsync(publication, ProtocolHarness.Rows(10));
        var marker = StorageLayout.StagingMarkerOf(Day, publication.Id);
        var written = (await harness.Store.GetAsync(marker))!.Version;

        harness.Clock.Advance(Duration.FromMinutes(5));
        await ProtocolHarness.StageAsync(publication, ProtocolHarness.Rows(10));
        var young = (await harness.Store.GetAsync(marker))!.Version;
        harness.Clock.Advance(StagingMarkers.Lifetime / 4);
        await ProtocolHarness.ManifestAsync(publication);
        var rewritten = (await harness.Store.GetAsync(marker))!.Version;
        await publication.FailAsync("the body threw");

        Assert.Equal(written, young);
        Assert.NotEqual(written, rewritten);
        Assert.Null(await harness.Store.GetAsync(marker));
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Local)]
    public async Task Publish_WhenAStagedFileWasRemoved_RefusesAndKeepsThePreviousVersion(StoreKind kind)
    {
        await using var harness = await ProtocolHarness.CreateAsync(kind);
        var previous = await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        await using var publication = await harness.Publisher.BeginAsync(Day, RunId.New());
        var staged = await ProtocolHarness.StageAsync(publication, ProtocolHarness.Rows(10, 2));
        await ProtocolHarness.ManifestAsync(publication);
        await harness.Store.DeleteAsync(ObjectKey.Parse(staged.Path));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => publication.PublishAsync());

        Assert.Contains($"the staged file {staged.Path} of materialization {publication.Id} is gone", error.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was published. Run it again.", error.Message, StringComparison.Ordinal);
        Assert.Equal(previous, (await PublishedPartitions.ReadPointerAsync(harness.Store, Day)).Current);
        Assert.True((await new RootVerifier(harness.Store).VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task Rollback_LeavesNoMarkerBehind_AndGcThenKeepsOnlyWhatThePointerNames()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var v1 = await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        var v2 = await harness.PublishAsync(ProtocolHarness.Rows(10, 2));

        await new PartitionRollback(harness.Store, harness.Metadata, harness.Clock).RollbackAsync(Day, v1.MaterializationId, RunId.New());
        var report = await new GarbageCollector(harness.Store, SystemClock.Instance).CollectAsync(Duration.Zero, dryRun: false);

        Assert.Null(await harness.Store.GetSizeAsync(StorageLayout.StagingMarkerOf(Day, v1.MaterializationId)));
        Assert.Equal(
            new[] { StorageLayout.DataFile(Day, v2.MaterializationId, 0).Value, StorageLayout.ManifestOf(Day, v2.MaterializationId).Value }.Order(StringComparer.Ordinal),
            report.Removed.Order(StringComparer.Ordinal));
        Assert.Equal(ProtocolHarness.Rows(10, 1), await harness.ReadAsync());
    }

    private sealed class SystemClockAfter(Duration after) : IClock
    {
        public Instant GetCurrentInstant() => SystemClock.Instance.GetCurrentInstant() + after;
    }
}

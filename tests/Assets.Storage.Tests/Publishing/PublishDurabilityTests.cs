using Assets.Storage.Objects;
using Assets.Storage.Publishing;

namespace Assets.Storage.Tests.Publishing;

/// <summary>
/// On a local root the staged files and the manifest are flushed together right before the pointer swap: what the pointer
/// names is on disk before the pointer is, and a flush that fails stops the publish with the previous version in place.
/// </summary>
public sealed class PublishDurabilityTests
{
    private static readonly Graph.AssetPartition Day = ProtocolHarness.Day;

    [Fact]
    public async Task Publish_ManifestGoneBeforeTheSwap_FailsAndReadersKeepThePreviousVersion()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var first = await harness.PublishAsync(ProtocolHarness.Rows(10));
        await using var publication = await harness.Publisher.BeginAsync(Day, RunId.New());
        await ProtocolHarness.StageAsync(publication, ProtocolHarness.Rows(20, seed: 1));
        await ProtocolHarness.ManifestAsync(publication);
        var manifest = Path.Combine(harness.Store.Location, StorageLayout.ManifestOf(Day, publication.Id).Value);
        File.Delete(manifest); // gone before it was flushed: the pointer must not name it

        await Assert.ThrowsAnyAsync<IOException>(() => publication.PublishAsync());

        Assert.Equal(first, (await PublishedPartitions.ReadPointerAsync(harness.Store, Day)).Current);
        Assert.Equal(ProtocolHarness.Rows(10), await harness.ReadAsync());
    }

    [Fact]
    public async Task Publish_StagedFilesAndManifestWaitForOneFlushThatPrecedesTheSwap()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        await using var publication = await harness.Publisher.BeginAsync(Day, RunId.New());

        await ProtocolHarness.StageAsync(publication, ProtocolHarness.Rows(20));
        await ProtocolHarness.ManifestAsync(publication);

        // The data file and its new folders, the manifest and its new folders: all still waiting, none flushed one by one.
        Assert.True(publication.PendingFlushes >= 4, $"{publication.PendingFlushes} flushes pending");
        await publication.PublishAsync();
        Assert.Equal(0, publication.PendingFlushes);
        Assert.Equal(ProtocolHarness.Rows(20), await harness.ReadAsync());
    }
}

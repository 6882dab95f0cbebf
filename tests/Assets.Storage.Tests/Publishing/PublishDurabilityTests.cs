using Assets.Storage.Metadata;
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

    [Fact]
    public async Task Publish_OnTheEmbeddedStore_TheSwapIsFlushedByTheCommitThatRecordsIt_AndNoRecordIsCommittedWhileItCannotBe()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var metadata = (DuckDbMetadataStore)harness.Metadata;

        var pointer = await harness.PublishAsync(ProtocolHarness.Rows(10));

        // The pointer's folder (and the folders its first publish created) wait for the commit, not flushed by the step.
        Assert.True(metadata.FlushesBeforeNextCommit > 0, "the swap's flush waits for the group commit");
        Assert.True(metadata.PendingWriteCount > 0, "the publish's records wait for the same commit");

        // A flush that fails (the folder gone from under it) fails the commit: the index records nothing it could lose.
        var folder = Path.GetDirectoryName(Path.Combine(harness.Store.Location, StorageLayout.PointerOf(Day).Value))!;
        Directory.Move(folder, folder + "-away");
        await Assert.ThrowsAnyAsync<IOException>(() => metadata.FlushAsync());
        Assert.True(metadata.PendingWriteCount > 0, "nothing was committed");
        Assert.True(metadata.FlushesBeforeNextCommit > 0, "the failed flushes wait for the next commit");

        Directory.Move(folder + "-away", folder);
        await metadata.FlushAsync();
        Assert.Equal(0, metadata.FlushesBeforeNextCommit);
        Assert.Equal(0, metadata.PendingWriteCount);
        Assert.Equal(pointer.MaterializationId, (await metadata.GetStateAsync(Day))?.MaterializationId);
    }

    [Fact]
    public async Task Stage_OnALocalRoot_WritesTheFileWhereItEndsUp_WithNoTemporaryFileAnywhere()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        await using var publication = await harness.Publisher.BeginAsync(Day, RunId.New());

        var staged = await ProtocolHarness.StageAsync(publication, ProtocolHarness.Rows(20));

        Assert.Equal(StorageLayout.DataFile(Day, publication.Id, 0).Value, staged.Path);
        Assert.Equal(staged.Size, new FileInfo(Path.Combine(harness.Store.Location, staged.Path)).Length);
        Assert.False(Directory.Exists(harness.Options.StagingDirectory)); // nothing was written beside the root first
        Assert.Empty(Directory.EnumerateFiles(harness.Store.Location, ".tmp-*", SearchOption.AllDirectories));
        Assert.True(publication.PendingFlushes >= 1, "the staged file waits for the flush before the swap");
    }

    [Fact]
    public async Task Stage_OnALocalRoot_WhenTheWriterFails_LeavesNoFileUnderTheKey()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        await using var publication = await harness.Publisher.BeginAsync(Day, RunId.New());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => publication.StageFileAsync(async (stream, ct) =>
        {
            await stream.WriteAsync(new byte[100], ct);
            throw new InvalidOperationException("the body's writer failed half-way");
        }));

        Assert.Equal("the body's writer failed half-way", error.Message);
        Assert.Null(await harness.Store.GetSizeAsync(StorageLayout.DataFile(Day, publication.Id, 0)));
        Assert.Empty(publication.StagedFiles);
        Assert.Equal(0, publication.PendingFlushes); // nor its folders, gone with it, left to flush before a later swap
        await publication.FailAsync("the body's writer failed half-way");
    }
}

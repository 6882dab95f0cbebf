using Assets.Metadata;
using Assets.Storage.Publishing;

namespace Assets.Storage.Tests.Publishing;

public sealed class StorageMaterializationStoreTests
{
    private static async IAsyncEnumerable<object?> AsRows(IEnumerable<Sale> sales)
    {
        foreach (var sale in sales)
        {
            await Task.Yield();
            yield return sale;
        }
    }

    [Fact]
    public async Task AMaterialization_IsStagedCheckedPublishedAndReadBackAsRecords()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var store = new StorageMaterializationStore(harness.Store, harness.Metadata, harness.Clock, harness.Options);
        var rows = ProtocolHarness.Rows(250);
        var upstream = new UpstreamVersion(AssetKey.Parse("raw"), null, "abc");

        string dataVersion;
        await using (var materialization = await store.BeginAsync(ProtocolHarness.Day, RunId.New()))
        {
            Assert.Equal(250, await materialization.WriteRowsAsync(typeof(Sale), AsRows(rows)));
            Assert.Equal(rows, await materialization.ReadStagedAsync(typeof(Sale)).Cast<Sale>().ToListAsync());
            Assert.Null(await store.GetDataVersionAsync(ProtocolHarness.Day));
            var check = new CheckRecord(ProtocolHarness.Day, materialization.Id, "has_rows", true, true, null, harness.Clock.GetCurrentInstant());
            dataVersion = await materialization.PublishAsync("7", [upstream], null, new Dictionary<string, object?> { ["rows_in"] = 250L }, null, [check]);
        }

        Assert.Equal(dataVersion, await store.GetDataVersionAsync(ProtocolHarness.Day));
        Assert.Equal(rows, await store.ReadAsync(typeof(Sale), ProtocolHarness.Day).Cast<Sale>().ToListAsync());
        var manifest = await PublishedPartitions.ReadCurrentManifestAsync(harness.Store, ProtocolHarness.Day);
        Assert.Equal(("7", 250L), (manifest!.CodeVersion, (long)manifest.Metadata["rows_in"]!));
        Assert.Equal([upstream], manifest.Upstream);
        Assert.Contains("Amount", manifest.Schema, StringComparison.Ordinal);
        Assert.Single(await harness.Metadata.GetCheckResultsAsync(ProtocolHarness.Day));
        Assert.Equal([upstream], (await harness.Metadata.GetRecordedUpstreamAsync())[ProtocolHarness.Day]);
    }

    [Fact]
    public async Task StagedRows_AreDecodedOnceForTheChecksAndTheReadersOfThePublish_AndANewVersionIsDecodedAfresh()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var store = new StorageMaterializationStore(harness.Store, harness.Metadata, harness.Clock, harness.Options);
        var rows = ProtocolHarness.Rows(250);
        await using (var materialization = await store.BeginAsync(ProtocolHarness.Day, RunId.New()))
        {
            await materialization.WriteRowsAsync(typeof(Sale), AsRows(rows));
            Assert.Equal(rows, await materialization.ReadStagedAsync(typeof(Sale)).Cast<Sale>().ToListAsync());
            Assert.Equal(rows, await materialization.ReadStagedAsync(typeof(Sale)).Cast<Sale>().ToListAsync());
            await materialization.PublishAsync("7", [], null, new Dictionary<string, object?>(), null, []);
        }

        Assert.Equal(rows, await store.ReadAsync(typeof(Sale), ProtocolHarness.Day).Cast<Sale>().ToListAsync());
        Assert.Equal((250L, 250L, 500L), (store.DecodedRows.RowsDecoded, store.DecodedRows.RowsFromWrites, store.DecodedRows.RowsFromMemory));

        var republished = ProtocolHarness.Rows(250, seed: 1);
        await harness.PublishAsync(republished);
        Assert.Equal(republished, await store.ReadAsync(typeof(Sale), ProtocolHarness.Day).Cast<Sale>().ToListAsync());
        Assert.Equal((500L, 250L, 500L), (store.DecodedRows.RowsDecoded, store.DecodedRows.RowsFromWrites, store.DecodedRows.RowsFromMemory));
    }

    [Fact]
    public async Task WrittenRows_OfAMaterializationWithSeveralFilesOfAType_AreNotKept_TheStagedRowsAreEveryFilesInOrder()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var store = new StorageMaterializationStore(harness.Store, harness.Metadata, harness.Clock, harness.Options);
        Sale[][] files = [ProtocolHarness.Rows(20), ProtocolHarness.Rows(30, seed: 1), ProtocolHarness.Rows(40, seed: 2)];
        await using var materialization = await store.BeginAsync(ProtocolHarness.Day, RunId.New());

        foreach (var file in files)
        {
            await materialization.WriteRowsAsync(typeof(Sale), AsRows(file));
        }

        Assert.Null(store.DecodedRows.TakeWritten(materialization.Id, typeof(Sale)));
        Assert.Equal(files.SelectMany(f => f), await materialization.ReadStagedAsync(typeof(Sale)).Cast<Sale>().ToListAsync());
        Assert.Equal((90L, 0L), (store.DecodedRows.RowsDecoded, store.DecodedRows.RowsFromWrites));
    }

    [Fact]
    public async Task StagedRows_ComeToACollectionReaderAsOnePartition_TheSameRowsAsRowByRow()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var store = new StorageMaterializationStore(harness.Store, harness.Metadata, harness.Clock, harness.Options);
        var rows = ProtocolHarness.Rows(250);
        await using var materialization = await store.BeginAsync(ProtocolHarness.Day, RunId.New());
        await materialization.WriteRowsAsync(typeof(Sale), AsRows(rows));

        var staged = Assert.IsAssignableFrom<Assets.Execution.IRowChunks>(materialization.ReadStagedAsync(typeof(Sale)));
        var chunk = Assert.Single(await staged.Chunks.ToListAsync());
        Assert.Equal(rows, chunk.Cast<Sale>());
        Assert.Equal(chunk, await materialization.ReadStagedAsync(typeof(Sale)).ToListAsync());
        Assert.Equal((250L, 250L), (store.DecodedRows.RowsDecoded, store.DecodedRows.RowsFromMemory));
    }

    [Fact]
    public async Task AnAbandonedMaterialization_PublishesNothingAndReleasesTheLease()
    {
        await using var harness = await ProtocolHarness.CreateAsync();
        var store = new StorageMaterializationStore(harness.Store, harness.Metadata, harness.Clock, harness.Options);

        await using (var abandoned = await store.BeginAsync(ProtocolHarness.Day, RunId.New()))
        {
            await abandoned.WriteRowsAsync(typeof(Sale), AsRows(ProtocolHarness.Rows(10)));
        }

        Assert.Null(await store.GetDataVersionAsync(ProtocolHarness.Day));
        Assert.Equal(PartitionStatus.Missing, (await harness.Metadata.GetStateAsync(ProtocolHarness.Day))!.Status);
        await using var next = await store.BeginAsync(ProtocolHarness.Day, RunId.New());
        Assert.NotNull(next);
    }
}

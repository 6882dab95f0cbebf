using Assets.Metadata;
using Assets.Storage.Metadata;
using NodaTime;
using static Assets.Storage.Tests.Metadata.StoreFolder;

namespace Assets.Storage.Tests.Metadata;

/// <summary>
/// The embedded store answers a partition's state read (every step's claim makes one) from what it read or committed
/// before, since DuckDB scans the table for it; the answers stay what the table holds.
/// </summary>
public sealed class KnownStatesTests : IAsyncLifetime
{
    private readonly StoreFolder _folder = new();
    private DuckDbMetadataStore _store = null!;

    public async Task InitializeAsync() => _store = await _folder.OpenAsync();

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _folder.Delete();
    }

    [Fact]
    public async Task GetStateAsync_OfAPartitionCommittedOrReadBefore_DoesNotQueryTheTableAgain()
    {
        var published = Published(Daily("raw_orders", "2026-01-05"));
        var never = Daily("raw_orders", "2026-01-06");
        await _store.SetStatesAsync([published]);
        await _store.FlushAsync();

        Assert.Equal(published, await _store.GetStateAsync(published.Partition));
        Assert.Null(await _store.GetStateAsync(never));
        Assert.Null(await _store.GetStateAsync(never));
        Assert.Equal(published, await _store.GetStateAsync(published.Partition));

        Assert.Equal(1, _store.StateReadsFromTable);
    }

    [Fact]
    public async Task GetStateAsync_OfAnAssetWithTooManyRowsToKeep_ReadsAndKeepsItsPartitionsOneAtATime()
    {
        var asset = AssetKey.Parse("big");
        var states = Enumerable.Range(0, KnownStates.MaxEntries / 2 + 1)
            .Select(i => Published(new Graph.AssetPartition(asset, new Partitions.PartitionKey($"p{i:D6}"))))
            .ToList();
        await _store.SetStatesAsync(states);
        await _store.DisposeAsync();
        _store = await _folder.OpenAsync();

        Assert.Equal(states[0], await _store.GetStateAsync(states[0].Partition));
        Assert.Equal(states[1], await _store.GetStateAsync(states[1].Partition));
        Assert.Equal(states[1], await _store.GetStateAsync(states[1].Partition));

        // The asset's first read found it too large to keep whole; the next read only its own row, and kept it.
        Assert.Equal(2, _store.StateReadsFromTable);
    }

    [Fact]
    public async Task GetStateAsync_OfOnePartition_ReadsTheAssetsRowsOnce_SoItsOtherPartitionsPresentOrNotNeedNoRead()
    {
        var first = Published(Daily("raw_orders", "2026-01-05"));
        var second = Published(Daily("raw_orders", "2026-01-06"));
        var otherAsset = Published(Daily("clean_orders", "2026-01-05"));
        await _store.SetStatesAsync([first, second, otherAsset]);
        await _store.DisposeAsync();
        _store = await _folder.OpenAsync();

        Assert.Equal(second, await _store.GetStateAsync(second.Partition));
        Assert.Equal(first, await _store.GetStateAsync(first.Partition));
        Assert.Null(await _store.GetStateAsync(Daily("raw_orders", "2026-01-07")));
        Assert.Equal(1, _store.StateReadsFromTable);

        Assert.Equal(otherAsset, await _store.GetStateAsync(otherAsset.Partition));
        Assert.Equal(2, _store.StateReadsFromTable);
    }

    [Fact]
    public async Task GetStateAsync_AfterACommitOfAKnownPartition_ReturnsTheCommittedState_AsTheTableHoldsIt()
    {
        var partition = Daily("raw_orders", "2026-01-05");
        Assert.Null(await _store.GetStateAsync(partition));

        // A time finer than the table's 100 ns ticks comes back at the table's precision, from memory as from the file.
        var running = WithStatus(partition, PartitionStatus.Running) with { UpdatedAt = T0 + Duration.FromNanoseconds(1_234_567) };
        await _store.SetStatesAsync([running]);
        await _store.FlushAsync();
        var fromMemory = await _store.GetStateAsync(partition);
        await _store.DisposeAsync();
        _store = await _folder.OpenAsync();
        var fromFile = await _store.GetStateAsync(partition);

        Assert.Equal(running with { UpdatedAt = T0 + Duration.FromNanoseconds(1_234_500) }, fromMemory);
        Assert.Equal(fromFile, fromMemory);
    }

    [Fact]
    public async Task GetStateAsync_AfterReconciliationRewritesStates_ReturnsTheRewrittenState()
    {
        var vanished = Published(Daily("raw_orders", "2026-01-05"));
        await _store.SetStatesAsync([vanished]);
        await _store.FlushAsync();
        Assert.Equal(PartitionStatus.Published, (await _store.GetStateAsync(vanished.Partition))!.Status);

        // Its pointer is gone: reconciliation turns the row missing with set-based statements.
        await _store.ReplacePublishedStatesAsync([]);

        Assert.Equal(PartitionStatus.Missing, (await _store.GetStateAsync(vanished.Partition))!.Status);
    }

    [Fact]
    public async Task GetStateAsync_WhenACommitFails_StillReturnsThePendingState_AndAfterTheRetryTheCommittedOne()
    {
        var partition = Daily("raw_orders", "2026-01-05");
        Assert.Null(await _store.GetStateAsync(partition));
        var running = WithStatus(partition, PartitionStatus.Running);
        await _store.SetStatesAsync([running]);
        _store.FailNextCommit = new InvalidOperationException("disk full");

        await Assert.ThrowsAsync<InvalidOperationException>(() => _store.FlushAsync());
        Assert.Equal(running, await _store.GetStateAsync(partition));
        await _store.FlushAsync();

        Assert.Equal(running, await _store.GetStateAsync(partition));
        Assert.Equal(0, _store.PendingWriteCount);
    }
}

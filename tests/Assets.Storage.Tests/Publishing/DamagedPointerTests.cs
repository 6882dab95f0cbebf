using System.Text;
using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using Assets.Storage.Maintenance;
using Assets.Storage.Publishing;

namespace Assets.Storage.Tests.Publishing;

/// <summary>A damaged pointer is repaired by the commands the error names: a new publish, or a rollback to a named version.</summary>
public sealed class DamagedPointerTests
{
    private static readonly AssetPartition Day = ProtocolHarness.Day;
    private static readonly AssetPartition OtherDay = new(Day.Asset, new PartitionKey("2026-01-06"));

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Local)]
    public async Task Publish_OverAnUnreadablePointer_ReplacesItAndSaysSo(StoreKind kind)
    {
        await using var harness = await ProtocolHarness.CreateAsync(kind);
        var first = await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        await DamageAsync(harness, Day, "{\"manifest\": ");
        var run = RunId.New();

        await using (var publication = await harness.Publisher.BeginAsync(Day, run))
        {
            await ProtocolHarness.StageAsync(publication, ProtocolHarness.Rows(10, 2));
            await ProtocolHarness.ManifestAsync(publication);
            var pointer = await publication.PublishAsync();
            Assert.Equal(first.Sequence + 1, pointer.Sequence);
        }

        Assert.Equal(ProtocolHarness.Rows(10, 2), await harness.ReadAsync());
        Assert.True((await new RootVerifier(harness.Store).VerifyAsync()).IsIntact);
        var replaced = Assert.Single(await harness.Metadata.GetEventsAsync(run), e => e.Kind == RunEventKind.PointerReplaced);
        Assert.StartsWith("replaced a damaged pointer with materialization ", replaced.Message, StringComparison.Ordinal);
        Assert.Contains("current/sales/orders/2026-01-05.json held 13 bytes that are not a pointer", replaced.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_OverAPointerNamingAnotherPartitionsManifest_IsStillRefused()
    {
        await using var harness = await ProtocolHarness.CreateAsync();
        await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        var other = await harness.PublishAsync(ProtocolHarness.Rows(10, 2), OtherDay);
        var foreign = ManifestJson.WritePointer(other);
        await DamageAsync(harness, Day, Encoding.UTF8.GetString(foreign));

        var error = await Assert.ThrowsAsync<CorruptObjectException>(() => harness.Publisher.BeginAsync(Day, RunId.New()));

        Assert.Contains("which is not the manifest of sales/orders[2026-01-05]", error.Message, StringComparison.Ordinal);
        Assert.Equal(foreign, (await harness.Store.GetAsync(StorageLayout.PointerOf(Day)))!.Content.ToArray());
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Local)]
    public async Task RollbackTo_OverAnUnreadablePointer_RestoresThatVersionAndSaysWhatItReplaced(StoreKind kind)
    {
        await using var harness = await ProtocolHarness.CreateAsync(kind);
        var v1 = await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        var v2 = await harness.PublishAsync(ProtocolHarness.Rows(10, 2));
        await DamageAsync(harness, Day, "garbage");
        var rollback = new PartitionRollback(harness.Store, harness.Metadata, harness.Clock);
        var run = RunId.New();

        var withoutTarget = await Assert.ThrowsAsync<InvalidOperationException>(() => rollback.RollbackAsync(Day, null, RunId.New()));
        var pointer = await rollback.RollbackAsync(Day, v1.MaterializationId, run);

        Assert.Contains("name the materialization to restore with --to", withoutTarget.Message, StringComparison.Ordinal);
        Assert.Equal((v1.MaterializationId, v2.Sequence + 1), (pointer.MaterializationId, pointer.Sequence));
        Assert.Equal(ProtocolHarness.Rows(10, 1), await harness.ReadAsync());
        Assert.True((await new RootVerifier(harness.Store).VerifyAsync()).IsIntact);
        var events = await harness.Metadata.GetEventsAsync(run);
        Assert.Equal([RunEventKind.RolledBack, RunEventKind.PointerReplaced], events.Select(e => e.Kind).Order());
        Assert.Contains("held 7 bytes that are not a pointer", Assert.Single(events, e => e.Kind == RunEventKind.PointerReplaced).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rollback_ToAVersionWithAByteFlipped_IsRefusedAndChangesNothing()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var v1 = await harness.PublishAsync(ProtocolHarness.Rows(100, 1));
        var v2 = await harness.PublishAsync(ProtocolHarness.Rows(100, 2));
        await ReadVerificationTests.CorruptAsync(harness.Store, StorageLayout.DataFile(Day, v1.MaterializationId, 0), offset: 50);

        var error = await Assert.ThrowsAsync<CorruptObjectException>(
            () => new PartitionRollback(harness.Store, harness.Metadata, harness.Clock).RollbackAsync(Day, v1.MaterializationId, RunId.New()));

        Assert.Contains($"materialization {v1.MaterializationId} cannot be restored: the data file's SHA-256 is", error.Message, StringComparison.Ordinal);
        Assert.Equal(v2, (await PublishedPartitions.ReadPointerAsync(harness.Store, Day)).Current);
    }

    private static async Task DamageAsync(ProtocolHarness harness, AssetPartition partition, string content)
    {
        var key = StorageLayout.PointerOf(partition);
        var stored = await harness.Store.GetAsync(key);
        Assert.True((await harness.Store.ReplaceIfMatchAsync(key, Encoding.UTF8.GetBytes(content), stored?.Version)).Succeeded);
    }
}

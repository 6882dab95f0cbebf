using Assets.Graph;
using Assets.Metadata;
using Assets.Storage.Maintenance;
using Assets.Storage.Publishing;

namespace Assets.Storage.Tests.Publishing;

/// <summary><c>history</c> lists every materialization of a partition with what became of it, and <c>rollback --to</c> takes its ids.</summary>
public sealed class PartitionHistoryTests
{
    private static readonly AssetPartition Day = ProtocolHarness.Day;

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Local)]
    public async Task History_ListsEveryMaterializationNewestFirst_WithWhatBecameOfIt(StoreKind kind)
    {
        await using var harness = await ProtocolHarness.CreateAsync(kind);
        var v1 = await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        var v2 = await harness.PublishAsync(ProtocolHarness.Rows(20, 2));

        // A quarantined attempt (staged, no manifest) and a failed one, then a rollback to v1.
        MaterializationId quarantined, failed;
        await using (var publication = await harness.Publisher.BeginAsync(Day, RunId.New()))
        {
            await ProtocolHarness.StageAsync(publication, ProtocolHarness.Rows(5, 3));
            await publication.QuarantineAsync("Check no_negative_amounts failed.", []);
            quarantined = publication.Id;
        }

        await using (var publication = await harness.Publisher.BeginAsync(Day, RunId.New()))
        {
            await ProtocolHarness.StageAsync(publication, ProtocolHarness.Rows(5, 4));
            await publication.FailAsync("IOException: disk full");
            failed = publication.Id;
        }

        await new PartitionRollback(harness.Store, harness.Metadata, harness.Clock).RollbackAsync(Day, v1.MaterializationId, RunId.New());

        var history = await new PartitionHistory(harness.Store, harness.Metadata).ListAsync(Day);

        Assert.Equal(
            [(failed, MaterializationStatus.Failed), (quarantined, MaterializationStatus.Quarantined), (v2.MaterializationId, MaterializationStatus.Published), (v1.MaterializationId, MaterializationStatus.Current)],
            history.Select(h => (h.Id, h.Status)));
        var current = history[^1];
        Assert.Equal((v1.DataVersion, 10L, true), (current.DataVersion, current.Rows, current.HasManifest));
        Assert.Equal(harness.Clock.GetCurrentInstant(), current.PublishedAt);
        Assert.Equal((v2.DataVersion, 20L, (NodaTime.Instant?)v2.PublishedAt), (history[2].DataVersion, history[2].Rows, history[2].PublishedAt));
        Assert.All(history.Take(2), h => Assert.Equal((false, (string?)null, (long?)null), (h.HasManifest, h.DataVersion, h.Rows)));
        Assert.All(history, h => Assert.True(h.Bytes > 0));
        Assert.Empty(await new PartitionHistory(harness.Store, harness.Metadata).ListAsync(Day with { Partition = new Partitions.PartitionKey("2026-01-06") }));
    }

    [Fact]
    public async Task Rollback_ToAnIdThatIsNotAMaterializationOfThePartition_SaysSoAndPointsAtHistory_NotAtDamage()
    {
        await using var harness = await ProtocolHarness.CreateAsync();
        await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        var v2 = await harness.PublishAsync(ProtocolHarness.Rows(10, 2));
        MaterializationId quarantined;
        await using (var publication = await harness.Publisher.BeginAsync(Day, RunId.New()))
        {
            await ProtocolHarness.StageAsync(publication, ProtocolHarness.Rows(5, 3));
            await publication.QuarantineAsync("Check failed.", []);
            quarantined = publication.Id;
        }

        var rollback = new PartitionRollback(harness.Store, harness.Metadata, harness.Clock);
        var unknown = await Assert.ThrowsAsync<InvalidOperationException>(() => rollback.RollbackAsync(Day, MaterializationId.New(), RunId.New()));
        var incomplete = await Assert.ThrowsAsync<InvalidOperationException>(() => rollback.RollbackAsync(Day, quarantined, RunId.New()));

        Assert.StartsWith("sales/orders[2026-01-05] has no materialization ", unknown.Message, StringComparison.Ordinal);
        Assert.EndsWith("`history --select sales/orders --partition 2026-01-05` lists the materializations rollback can take.", unknown.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("verify", unknown.Message, StringComparison.Ordinal);
        Assert.Contains($"Materialization {quarantined} of sales/orders[2026-01-05] has no manifest: it was quarantined or failed", incomplete.Message, StringComparison.Ordinal);
        Assert.Equal(v2, (await PublishedPartitions.ReadPointerAsync(harness.Store, Day)).Current);
    }
}

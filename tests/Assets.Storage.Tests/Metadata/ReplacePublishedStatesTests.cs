using Assets.Automation;
using Assets.Backfills;
using Assets.Metadata;
using Assets.Sources;
using Assets.Storage.Metadata.Postgres;
using Assets.Storage.Metadata;
using Assets.Storage.Tests.Postgres;
using NodaTime;
using static Assets.Storage.Tests.Metadata.StoreFolder;

namespace Assets.Storage.Tests.Metadata;

public abstract class ReplacePublishedStatesContract<TStore>(IStoreUnderTest<TStore> underTest) : OpenStoreTests<TStore>(underTest)
    where TStore : class, IMetadataStore, IBackfillStore, IAutomationCursorStore, ISourceObservationStore
{
    [Fact]
    public async Task ReplacePublishedStatesAsync_VanishedPointer_BecomesMissing()
    {
        var kept = Published(Daily("raw_orders", "2026-01-05"));
        var vanished = Published(Daily("raw_orders", "2026-01-06"));
        var vanishedStale = Published(Daily("raw_orders", "2026-01-07")) with { Status = PartitionStatus.Stale, Cause = "upstream changed" };
        await Store.SetStatesAsync([kept, vanished, vanishedStale]);
        Clock.Now = T0 + Duration.FromHours(1);

        await Store.ReplacePublishedStatesAsync([kept]);

        Assert.Equal(kept, await Store.GetStateAsync(kept.Partition));
        foreach (var gone in new[] { vanished, vanishedStale })
        {
            var state = (await Store.GetStateAsync(gone.Partition))!;
            Assert.Equal(
                new PartitionState(gone.Partition, PartitionStatus.Missing, state.Cause, null, null, null, null, null, T0 + Duration.FromHours(1)),
                state);
            Assert.Contains("pointer no longer exists", state.Cause, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ReplacePublishedStatesAsync_NewPointers_ArePublished_AndReplaceMissingOrOlderVersions()
    {
        var missing = WithStatus(Daily("raw_orders", "2026-01-05"), PartitionStatus.Missing);
        var older = Published(Daily("raw_orders", "2026-01-06"), "old", 1);
        await Store.SetStatesAsync([missing, older]);
        var pointers = new[]
        {
            Published(missing.Partition, "d5", 1),
            Published(older.Partition, "new", 2),
            Published(Whole("all_time_summary"), "s", 3) with { Status = PartitionStatus.Stale, Cause = "code changed" },
        };

        await Store.ReplacePublishedStatesAsync(pointers);

        Assert.Equal([pointers[2], pointers[0], pointers[1]], await Store.GetStatesAsync());
    }

    [Fact]
    public async Task ReplacePublishedStatesAsync_AttemptStatuses_KeepTheirStatus_AndTakeThePointersVersion()
    {
        var failed = WithStatus(Daily("raw_orders", "2026-01-05"), PartitionStatus.Failed, "HttpRequestException: 503");
        var quarantined = WithStatus(Daily("clean_orders", "2026-01-05"), PartitionStatus.Quarantined, "no_negative_amounts failed");
        var running = Published(Daily("raw_orders", "2026-01-06")) with { Status = PartitionStatus.Running };
        await Store.SetStatesAsync([failed, quarantined, running]);
        var failedPointer = Published(failed.Partition, "f", 4, T0 - Duration.FromDays(1));
        Clock.Now = T0 + Duration.FromHours(1);

        // The running partition's pointer is gone: it stays running but nothing is published.
        await Store.ReplacePublishedStatesAsync([failedPointer]);

        Assert.Equal(
            failed with
            {
                MaterializationId = failedPointer.MaterializationId,
                DataVersion = "f",
                CodeVersion = failedPointer.CodeVersion,
                Sequence = 4,
                PublishedAt = failedPointer.PublishedAt,
            },
            await Store.GetStateAsync(failed.Partition));
        Assert.Equal(quarantined, await Store.GetStateAsync(quarantined.Partition));
        Assert.Equal(
            WithStatus(running.Partition, PartitionStatus.Running) with { UpdatedAt = T0 + Duration.FromHours(1) },
            await Store.GetStateAsync(running.Partition));
    }

    [Fact]
    public async Task ReplacePublishedStatesAsync_UnchangedPointer_KeepsItsUpdateTime()
    {
        var state = Published(Daily("raw_orders", "2026-01-05"));
        await Store.SetStatesAsync([state]);

        await Store.ReplacePublishedStatesAsync([state with { UpdatedAt = T0 + Duration.FromHours(1) }]);

        Assert.Equal(state, await Store.GetStateAsync(state.Partition));
    }

    [Fact]
    public async Task ReplacePublishedStatesAsync_NotAPointerStatus_IsRefused()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => Store.ReplacePublishedStatesAsync([WithStatus(Daily("raw_orders", "2026-01-05"), PartitionStatus.Failed)]));

        Assert.Contains("raw_orders[2026-01-05] is Failed", error.Message, StringComparison.Ordinal);
    }
}

public sealed class DuckDbReplacePublishedStatesTests() : ReplacePublishedStatesContract<DuckDbMetadataStore>(new DuckDbStoreUnderTest());

[Collection(PostgresTests.Name)]
public sealed class PostgresReplacePublishedStatesTests(PostgresCluster cluster) : ReplacePublishedStatesContract<PostgresMetadataStore>(new PostgresStoreUnderTest(cluster));

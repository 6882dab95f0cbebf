using Assets.Metadata;
using Assets.Storage.Metadata;
using NodaTime;
using static Assets.Storage.Tests.Metadata.StoreFolder;

namespace Assets.Storage.Tests.Metadata;

public sealed class ReplacePublishedStatesTests : IAsyncLifetime
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
    public async Task ReplacePublishedStatesAsync_VanishedPointer_BecomesMissing()
    {
        var kept = Published(Daily("raw_orders", "2026-01-05"));
        var vanished = Published(Daily("raw_orders", "2026-01-06"));
        var vanishedStale = Published(Daily("raw_orders", "2026-01-07")) with { Status = PartitionStatus.Stale, Cause = "upstream changed" };
        await _store.SetStatesAsync([kept, vanished, vanishedStale]);
        _folder.Clock.Now = T0 + Duration.FromHours(1);

        await _store.ReplacePublishedStatesAsync([kept]);

        Assert.Equal(kept, await _store.GetStateAsync(kept.Partition));
        foreach (var gone in new[] { vanished, vanishedStale })
        {
            var state = (await _store.GetStateAsync(gone.Partition))!;
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
        await _store.SetStatesAsync([missing, older]);
        var pointers = new[]
        {
            Published(missing.Partition, "d5", 1),
            Published(older.Partition, "new", 2),
            Published(Whole("all_time_summary"), "s", 3) with { Status = PartitionStatus.Stale, Cause = "code changed" },
        };

        await _store.ReplacePublishedStatesAsync(pointers);

        Assert.Equal([pointers[2], pointers[0], pointers[1]], await _store.GetStatesAsync());
    }

    [Fact]
    public async Task ReplacePublishedStatesAsync_AttemptStatuses_KeepTheirStatus_AndTakeThePointersVersion()
    {
        var failed = WithStatus(Daily("raw_orders", "2026-01-05"), PartitionStatus.Failed, "HttpRequestException: 503");
        var quarantined = WithStatus(Daily("clean_orders", "2026-01-05"), PartitionStatus.Quarantined, "no_negative_amounts failed");
        var running = Published(Daily("raw_orders", "2026-01-06")) with { Status = PartitionStatus.Running };
        await _store.SetStatesAsync([failed, quarantined, running]);
        var failedPointer = Published(failed.Partition, "f", 4, T0 - Duration.FromDays(1));
        _folder.Clock.Now = T0 + Duration.FromHours(1);

        // The running partition's pointer is gone: it stays running but nothing is published.
        await _store.ReplacePublishedStatesAsync([failedPointer]);

        Assert.Equal(
            failed with
            {
                MaterializationId = failedPointer.MaterializationId,
                DataVersion = "f",
                CodeVersion = failedPointer.CodeVersion,
                Sequence = 4,
                PublishedAt = failedPointer.PublishedAt,
            },
            await _store.GetStateAsync(failed.Partition));
        Assert.Equal(quarantined, await _store.GetStateAsync(quarantined.Partition));
        Assert.Equal(
            WithStatus(running.Partition, PartitionStatus.Running) with { UpdatedAt = T0 + Duration.FromHours(1) },
            await _store.GetStateAsync(running.Partition));
    }

    [Fact]
    public async Task ReplacePublishedStatesAsync_UnchangedPointer_KeepsItsUpdateTime()
    {
        var state = Published(Daily("raw_orders", "2026-01-05"));
        await _store.SetStatesAsync([state]);

        await _store.ReplacePublishedStatesAsync([state with { UpdatedAt = T0 + Duration.FromHours(1) }]);

        Assert.Equal(state, await _store.GetStateAsync(state.Partition));
    }

    [Fact]
    public async Task ReplacePublishedStatesAsync_NotAPointerStatus_IsRefused()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => _store.ReplacePublishedStatesAsync([WithStatus(Daily("raw_orders", "2026-01-05"), PartitionStatus.Failed)]));

        Assert.Contains("raw_orders[2026-01-05] is Failed", error.Message, StringComparison.Ordinal);
    }
}

using Assets.Automation;
using Assets.Backfills;
using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using Assets.Sources;
using Assets.Storage.Metadata;
using NodaTime;
using static Assets.Storage.Tests.Metadata.StoreFolder;

namespace Assets.Storage.Tests.Metadata;

/// <summary>What every metadata store does; run against each kind by the classes at the end.</summary>
public abstract class MetadataStoreContract<TStore>(IStoreUnderTest<TStore> underTest) : OpenStoreTests<TStore>(underTest)
    where TStore : class, IMetadataStore, IBackfillStore, IAutomationCursorStore, ISourceObservationStore
{
    [Fact]
    public async Task GetEventsAsync_AfterAppends_ReturnsNewestFirstWithEveryField()
    {
        var run = RunId.New();
        var day = Daily("raw_orders", "2026-01-05");
        await Store.AppendEventsAsync(
        [
            new RunEvent(run, T0, RunEventKind.RunStarted, null, null, null),
            new RunEvent(run, T0 + Duration.FromSeconds(1), RunEventKind.StepStarted, day, 1, null),
            new RunEvent(run, T0 + Duration.FromSeconds(2), RunEventKind.StepRetrying, day, 1, "timeout"),
        ]);
        await Store.AppendEventsAsync([new RunEvent(run, T0 + Duration.FromSeconds(3), RunEventKind.StepPublished, day, 2, "ok")]);

        var events = await Store.GetEventsAsync();

        Assert.Equal([RunEventKind.StepPublished, RunEventKind.StepRetrying, RunEventKind.StepStarted, RunEventKind.RunStarted], events.Select(e => e.Kind));
        Assert.Equal(new RunEvent(run, T0 + Duration.FromSeconds(2), RunEventKind.StepRetrying, day, 1, "timeout"), events[1]);
        Assert.Equal(new RunEvent(run, T0, RunEventKind.RunStarted, null, null, null), events[3]);
    }

    [Fact]
    public async Task GetEventsAsync_EqualTimes_NewestAppendFirst()
    {
        var run = RunId.New();
        await Store.AppendEventsAsync([new RunEvent(run, T0, RunEventKind.RunStarted, null, null, "first")]);
        await Store.AppendEventsAsync([new RunEvent(run, T0, RunEventKind.RunCompleted, null, null, "second")]);

        Assert.Equal(["second", "first"], (await Store.GetEventsAsync()).Select(e => e.Message));
    }

    [Fact]
    public async Task GetEventsAsync_WithFilters_ReturnsOnlyMatchingEventsUpToTheLimit()
    {
        var (a, b) = (RunId.New(), RunId.New());
        var day5 = Daily("raw_orders", "2026-01-05");
        var day6 = Daily("raw_orders", "2026-01-06");
        var summary = Whole("all_time_summary");
        await Store.AppendEventsAsync(
        [
            new RunEvent(a, T0, RunEventKind.StepStarted, day5, 1, null),
            new RunEvent(a, T0 + Duration.FromSeconds(1), RunEventKind.StepStarted, day6, 1, null),
            new RunEvent(b, T0 + Duration.FromSeconds(2), RunEventKind.StepStarted, day5, 1, null),
            new RunEvent(b, T0 + Duration.FromSeconds(3), RunEventKind.StepPublished, summary, 1, null),
        ]);

        Assert.Equal([day6, day5], (await Store.GetEventsAsync(run: a)).Select(e => e.Partition!.Value));
        Assert.Equal([b, a], (await Store.GetEventsAsync(partition: day5)).Select(e => e.RunId));
        Assert.Equal([b], (await Store.GetEventsAsync(run: b, partition: day5)).Select(e => e.RunId));
        Assert.Equal([summary], (await Store.GetEventsAsync(partition: summary)).Select(e => e.Partition!.Value));
        Assert.Equal(2, (await Store.GetEventsAsync(limit: 2)).Count);
    }

    [Fact]
    public async Task TryAcquireLeaseAsync_FreePartition_IsGranted_AndASecondHolderIsRefused()
    {
        var day = Daily("raw_orders", "2026-01-05");
        var (first, second) = (RunId.New(), RunId.New());

        Assert.True(await Store.TryAcquireLeaseAsync(day, first, T0, Duration.FromMinutes(5)));
        Assert.False(await Store.TryAcquireLeaseAsync(day, second, T0 + Duration.FromMinutes(4), Duration.FromMinutes(5)));
        Assert.True(await Store.TryAcquireLeaseAsync(Daily("raw_orders", "2026-01-06"), second, T0, Duration.FromMinutes(5)));
    }

    [Fact]
    public async Task TryAcquireLeaseAsync_ExpiredLease_IsTakenOver()
    {
        var day = Whole("all_time_summary");
        var (first, second) = (RunId.New(), RunId.New());
        await Store.TryAcquireLeaseAsync(day, first, T0, Duration.FromMinutes(5));

        Assert.True(await Store.TryAcquireLeaseAsync(day, second, T0 + Duration.FromMinutes(5), Duration.FromMinutes(5)));
        Assert.False(await Store.TryAcquireLeaseAsync(day, first, T0 + Duration.FromMinutes(6), Duration.FromMinutes(5)));
    }

    [Fact]
    public async Task TryAcquireLeaseAsync_SameHolder_RenewsTheLease()
    {
        var day = Daily("raw_orders", "2026-01-05");
        var (first, second) = (RunId.New(), RunId.New());
        await Store.TryAcquireLeaseAsync(day, first, T0, Duration.FromMinutes(5));

        Assert.True(await Store.TryAcquireLeaseAsync(day, first, T0 + Duration.FromMinutes(4), Duration.FromMinutes(5)));
        Assert.False(await Store.TryAcquireLeaseAsync(day, second, T0 + Duration.FromMinutes(8), Duration.FromMinutes(5)));
    }

    [Fact]
    public async Task ReleaseLeaseAsync_ByHolder_FreesThePartition_ByAnotherRun_DoesNothing()
    {
        var day = Daily("raw_orders", "2026-01-05");
        var (first, second, third) = (RunId.New(), RunId.New(), RunId.New());
        await Store.TryAcquireLeaseAsync(day, first, T0, Duration.FromMinutes(5));

        await Store.ReleaseLeaseAsync(day, second);
        Assert.False(await Store.TryAcquireLeaseAsync(day, second, T0, Duration.FromMinutes(5)));

        await Store.ReleaseLeaseAsync(day, first);
        Assert.True(await Store.TryAcquireLeaseAsync(day, third, T0, Duration.FromMinutes(5)));
    }

    [Fact]
    public async Task RecordMaterializationAsync_SameId_Upserts_AndListsNewestFirst()
    {
        var day = Daily("clean_orders", "2026-01-05");
        var older = Materialization(day, T0, [new UpstreamVersion(AssetKey.Parse("raw_orders"), new PartitionKey("2026-01-05"), "r1")]);
        var newer = Materialization(day, T0 + Duration.FromHours(1), [
            new UpstreamVersion(AssetKey.Parse("raw_orders"), new PartitionKey("2026-01-05"), "r2"),
            new UpstreamVersion(AssetKey.Parse("all_time_summary"), null, "s1"),
        ]);
        await Store.RecordMaterializationAsync(older);
        await Store.RecordMaterializationAsync(newer);
        await Store.RecordMaterializationAsync(Materialization(Daily("clean_orders", "2026-01-06"), T0, []));

        var published = newer with { PublishedAt = T0 + Duration.FromHours(2), Sequence = 7, Upstream = [newer.Upstream[1]] };
        await Store.RecordMaterializationAsync(published);

        var records = await Store.GetMaterializationsAsync(day);
        Assert.Equal(2, records.Count);
        AssertSame(published, records[0]);
        AssertSame(older, records[1]);
    }

    [Fact]
    public async Task SetStatesAsync_TenThousandRows_ReadBackExactly()
    {
        var states = Enumerable.Range(0, 10_000)
            .Select(i => new PartitionState(
                Daily($"asset_{i % 10}", $"2026-{1 + (i / 10 % 12):00}-{1 + (i / 120 % 28):00}-{i:00000}"),
                (PartitionStatus)(i % 7),
                i % 3 == 0 ? null : $"cause {i}",
                i % 2 == 0 ? MaterializationId.New() : null,
                i % 2 == 0 ? $"d{i}" : null,
                i % 2 == 0 ? $"c{i}" : null,
                i % 2 == 0 ? i : null,
                i % 2 == 0 ? T0 + Duration.FromTicks(i) : null,
                T0 + Duration.FromSeconds(i)))
            .ToList();

        await Store.SetStatesAsync(states);
        var read = await Store.GetStatesAsync();

        Assert.Equal(Sorted(states), read);
    }

    [Fact]
    public async Task SetStatesAsync_ExistingRows_AreReplaced_AndTheLastDuplicateWins()
    {
        var day5 = Daily("raw_orders", "2026-01-05");
        var day6 = Daily("raw_orders", "2026-01-06");
        await Store.SetStatesAsync([WithStatus(day5, PartitionStatus.Running), WithStatus(day6, PartitionStatus.Running)]);

        var failed = WithStatus(day5, PartitionStatus.Failed, "boom");
        var published = Published(day6);
        await Store.SetStatesAsync([WithStatus(day5, PartitionStatus.Waiting), failed, published]);

        Assert.Equal([failed, published], await Store.GetStatesAsync());
        Assert.Equal(published, await Store.GetStateAsync(day6));
    }

    [Fact]
    public async Task GetStatesAsync_WithAssets_ReturnsOnlyThoseAssets()
    {
        var raw = Published(Daily("raw_orders", "2026-01-05"));
        var clean = Published(Daily("clean_orders", "2026-01-05"));
        var summary = Published(Whole("all_time_summary"));
        await Store.SetStatesAsync([raw, clean, summary]);

        Assert.Equal([summary, raw], await Store.GetStatesAsync([AssetKey.Parse("raw_orders"), AssetKey.Parse("all_time_summary")]));
        Assert.Empty(await Store.GetStatesAsync([]));
        Assert.Null(await Store.GetStateAsync(Daily("raw_orders", "2026-01-06")));
    }

    [Fact]
    public async Task States_UnpartitionedAsset_RoundTripsWithANullPartition()
    {
        var summary = Whole("sales/all_time_summary");
        await Store.SetStatesAsync([Published(summary)]);
        await Store.RecordMaterializationAsync(Materialization(summary, T0, []));
        await Store.RecordCheckResultsAsync([new CheckRecord(summary, MaterializationId.New(), "not_empty", true, false, null, T0)]);

        var state = Assert.Single(await Store.GetStatesAsync());
        Assert.Null(state.Partition.Partition);
        Assert.Equal(summary, (await Store.GetStateAsync(summary))!.Partition);
        Assert.Null(Assert.Single(await Store.GetMaterializationsAsync(summary)).Partition.Partition);
        Assert.Null(Assert.Single(await Store.GetCheckResultsAsync(summary)).Partition.Partition);
    }

    [Fact]
    public async Task GetCheckResultsAsync_ReturnsThePartitionsResultsNewestFirst()
    {
        var day = Daily("clean_orders", "2026-01-05");
        var id = MaterializationId.New();
        var first = new CheckRecord(day, id, "no_negative_amounts", false, true, "3 rows below zero", T0);
        var second = new CheckRecord(day, id, "unique_order_ids", true, true, null, T0);
        var later = new CheckRecord(day, MaterializationId.New(), "no_negative_amounts", true, true, null, T0 + Duration.FromMinutes(1));
        await Store.RecordCheckResultsAsync([first, second]);
        await Store.RecordCheckResultsAsync([later, new CheckRecord(Daily("clean_orders", "2026-01-06"), id, "x", true, false, null, T0)]);

        Assert.Equal([later, second, first], await Store.GetCheckResultsAsync(day));
    }

    [Fact]
    public async Task OpenAsync_AfterClose_SeesEverythingWritten()
    {
        var day = Daily("raw_orders", "2026-01-05");
        var run = RunId.New();
        var state = Published(day);
        var record = Materialization(day, T0, []);
        await Store.AppendEventsAsync([new RunEvent(run, T0, RunEventKind.RunStarted, null, null, null)]);
        await Store.SetStatesAsync([state]);
        await Store.RecordMaterializationAsync(record);
        await Store.DisposeAsync();

        Store = await OpenAsync();

        Assert.Equal(state, await Store.GetStateAsync(day));
        AssertSame(record, Assert.Single(await Store.GetMaterializationsAsync(day)));

        // Appends after a reopen still come out newest first.
        await Store.AppendEventsAsync([new RunEvent(run, T0, RunEventKind.RunCompleted, null, null, null)]);
        Assert.Equal([RunEventKind.RunCompleted, RunEventKind.RunStarted], (await Store.GetEventsAsync()).Select(e => e.Kind));
    }

    [Fact]
    public async Task AutomationCursors_AreReplacedPerAssetAndSurviveAReopen()
    {
        var raw = AssetKey.Parse("raw_orders");
        await Store.SetAutomationCursorAsync(raw, Instant.FromUtc(2026, 3, 10, 5, 0));
        await Store.SetAutomationCursorAsync(raw, Instant.FromUtc(2026, 3, 11, 5, 0));
        await Store.SetAutomationCursorAsync(AssetKey.Parse("snapshot"), Instant.FromUtc(2026, 3, 9, 5, 0));

        await Store.DisposeAsync();
        Store = await OpenAsync();

        var cursors = await Store.GetAutomationCursorsAsync();
        Assert.Equal(2, cursors.Count);
        Assert.Equal(Instant.FromUtc(2026, 3, 11, 5, 0), cursors[raw]);
        Assert.Equal(Instant.FromUtc(2026, 3, 9, 5, 0), cursors[AssetKey.Parse("snapshot")]);
    }

    [Fact]
    public async Task SourceObservations_KeepTheLatestPerPartition_AnUnchangedOneKeepsItsTimeAndTheFingerprint()
    {
        var day = Daily("raw_orders", "2026-01-05");
        var other = Daily("raw_orders", "2026-01-06");
        var first = Instant.FromUtc(2026, 1, 6, 1, 0);
        await Store.RecordObservationsAsync([new ObservedSource(day, false, null, "orders/2026-01-05.csv", first), new ObservedSource(other, true, "aa", "orders/2026-01-06.csv", first)]);
        var arrived = await Store.GetStatusFingerprintAsync();

        // The same observation again, an hour later: nothing changes.
        await Store.RecordObservationsAsync([new ObservedSource(other, true, "aa", "orders/2026-01-06.csv", first.Plus(Duration.FromHours(1)))]);
        Assert.Equal(arrived, await Store.GetStatusFingerprintAsync());
        Assert.Equal(first, (await Store.GetObservationsAsync())[other].ObservedAt);

        // The day arrives, the other changes: both replaced, with their new time, and the fingerprint moves.
        var later = first.Plus(Duration.FromHours(2));
        await Store.RecordObservationsAsync([new ObservedSource(day, true, "bb", "orders/2026-01-05.csv", later), new ObservedSource(other, true, "cc", "orders/2026-01-06.csv", later)]);
        Assert.NotEqual(arrived, await Store.GetStatusFingerprintAsync());

        await Store.DisposeAsync();
        Store = await OpenAsync();
        var observations = await Store.GetObservationsAsync([AssetKey.Parse("raw_orders")]);
        Assert.Equal(new ObservedSource(day, true, "bb", "orders/2026-01-05.csv", later), observations[day]);
        Assert.Equal(new ObservedSource(other, true, "cc", "orders/2026-01-06.csv", later), observations[other]);
        Assert.Empty(await Store.GetObservationsAsync([AssetKey.Parse("clean_orders")]));
    }

    [Fact]
    public async Task Operations_CalledConcurrently_AreSerialized()
    {
        var writes = Enumerable.Range(0, 20).Select(i => Store.SetStatesAsync([Published(Daily("raw_orders", $"2026-01-{i + 1:00}"))]));
        var reads = Enumerable.Range(0, 20).Select(_ => Store.GetStatesAsync());

        await Task.WhenAll(writes.Concat<Task>(reads));

        Assert.Equal(20, (await Store.GetStatesAsync()).Count);
    }

    [Fact]
    public async Task Operations_AfterDispose_Throw()
    {
        await Store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => Store.GetStatesAsync());
    }

    private protected static MaterializationRecord Materialization(AssetPartition partition, Instant created, IReadOnlyList<UpstreamVersion> upstream)
        => new(partition, MaterializationId.New(), RunId.New(), "d-" + created.ToUnixTimeTicks(), "c1", 42, 4096, $"manifests/{partition.Asset}/x.json", upstream, created, null, null);

    private static void AssertSame(MaterializationRecord expected, MaterializationRecord actual)
    {
        Assert.Equal(expected with { Upstream = [] }, actual with { Upstream = [] });
        Assert.Equal(expected.Upstream, actual.Upstream);
    }

    private static List<PartitionState> Sorted(IEnumerable<PartitionState> states)
        => [.. states.OrderBy(s => s.Partition.Asset.Value, StringComparer.Ordinal).ThenBy(s => s.Partition.Partition?.Value ?? string.Empty, StringComparer.Ordinal)];
}

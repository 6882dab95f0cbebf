using Assets.Automation;
using Assets.Backfills;
using Assets.Graph;
using Assets.Metadata;
using Assets.Planning;
using Assets.Sources;
using Assets.Storage.Metadata.Postgres;
using Assets.Storage.Metadata;
using Assets.Storage.Tests.Postgres;
using NodaTime;
using static Assets.Storage.Tests.Metadata.StoreFolder;

namespace Assets.Storage.Tests.Metadata;

public abstract class BackfillStoreContract<TStore>(IStoreUnderTest<TStore> underTest) : OpenStoreTests<TStore>(underTest)
    where TStore : class, IMetadataStore, IBackfillStore, IAutomationCursorStore, ISourceObservationStore
{
    private static readonly BackfillOwner Owner = new(4242, T0 - Duration.FromHours(1));

    private static Backfill NewBackfill(BackfillRequest request, Instant createdAt, BackfillId? id = null)
        => new(id ?? BackfillId.New(), request, BackfillStatus.Requested, createdAt, createdAt, null, BackfillCounts.None, null);

    private static BackfillStep Step(int position, AssetPartition partition, BackfillStepState state = BackfillStepState.Pending, string? error = null)
        => new(position, partition, position, state, 0, error, T0);

    [Fact]
    public async Task CreateThenGet_RoundTripsTheRequestAndCountsTheSteps()
    {
        var request = new BackfillRequest
        {
            Selection = "raw_orders+",
            Range = PartitionRange.ForPartitions(["2026-01-03", "2026-01-09", "2026-01-17"]),
            Reprocess = PlanMode.FailedAndMissing,
            Order = BackfillOrder.OldestFirst,
            MaxConcurrency = 3,
            MaxPartitionsPerRun = 7,
        };
        var backfill = NewBackfill(request, T0);
        await Store.CreateBackfillAsync(backfill,
        [
            Step(0, Daily("raw_orders", "2026-01-03")),
            Step(1, Daily("raw_orders", "2026-01-09")),
            Step(2, Whole("all_time_summary"), BackfillStepState.Blocked, "needs clean_orders[2026-01-01]"),
        ]);

        var read = await Store.GetBackfillAsync(backfill.Id);

        Assert.NotNull(read);
        Assert.Equal(backfill.Id, read.Id);
        Assert.Equal("raw_orders+", read.Request.Selection);
        Assert.Equal(["2026-01-03", "2026-01-09", "2026-01-17"], read.Request.Range.Partitions);
        Assert.Equal((PlanMode.FailedAndMissing, BackfillOrder.OldestFirst, 3, 7), (read.Request.Reprocess, read.Request.Order, read.Request.MaxConcurrency, read.Request.MaxPartitionsPerRun));
        Assert.Equal(BackfillStatus.Requested, read.Status);
        Assert.Equal(T0, read.CreatedAt);
        Assert.Null(read.Owner);
        Assert.Equal(new BackfillCounts(3, 0, 0, 1, 2), read.Counts);
        Assert.Null(await Store.GetBackfillAsync(BackfillId.New()));
    }

    [Fact]
    public async Task UpdateSteps_LastChangeOfAStepWins_AndCountsFollow()
    {
        var backfill = NewBackfill(new BackfillRequest { Selection = "raw_orders", Range = PartitionRange.Between("2026-01-01", "2026-01-03") }, T0);
        var (d1, d2, d3) = (Daily("raw_orders", "2026-01-01"), Daily("raw_orders", "2026-01-02"), Daily("raw_orders", "2026-01-03"));
        await Store.CreateBackfillAsync(backfill, [Step(0, d3), Step(1, d2), Step(2, d1)]);

        await Store.UpdateBackfillStepsAsync(backfill.Id,
        [
            new BackfillStepUpdate(d3, BackfillStepState.Running, 1, null, T0 + Duration.FromSeconds(1)),
            new BackfillStepUpdate(d3, BackfillStepState.Published, 1, null, T0 + Duration.FromSeconds(2)),
            new BackfillStepUpdate(d2, BackfillStepState.Failed, 4, "IOException: disk full", T0 + Duration.FromSeconds(3)),
        ]);

        var steps = await Store.GetBackfillStepsAsync(backfill.Id);
        Assert.Equal([d3, d2, d1], steps.Select(s => s.Partition));
        Assert.Equal([BackfillStepState.Published, BackfillStepState.Failed, BackfillStepState.Pending], steps.Select(s => s.State));
        Assert.Equal((4, "IOException: disk full", T0 + Duration.FromSeconds(3)), (steps[1].Attempts, steps[1].Error, steps[1].UpdatedAt));
        Assert.Equal(new BackfillCounts(3, 1, 1, 0, 1), (await Store.GetBackfillAsync(backfill.Id))!.Counts);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.UpdateBackfillStepsAsync(backfill.Id, [new BackfillStepUpdate(Daily("raw_orders", "2026-01-04"), BackfillStepState.Published, 1, null, T0)]));
    }

    [Fact]
    public async Task SetStatus_RecordsOwnerAndMessage_AndListIsNewestFirst()
    {
        var older = NewBackfill(new BackfillRequest { Selection = "raw_orders" }, T0);
        var newer = NewBackfill(new BackfillRequest { Selection = "clean_orders", Range = PartitionRange.Between("2026-01-05", null) }, T0 + Duration.FromMinutes(5));
        await Store.CreateBackfillAsync(older, [Step(0, Daily("raw_orders", "2026-01-01"))]);
        await Store.CreateBackfillAsync(newer, []);

        await Store.SetBackfillStatusAsync(older.Id, BackfillStatus.Running, Owner, null, T0 + Duration.FromMinutes(1));
        await Store.SetBackfillStatusAsync(newer.Id, BackfillStatus.Cancelled, null, "cancelled on request", T0 + Duration.FromMinutes(6));

        var list = await Store.ListBackfillsAsync();
        Assert.Equal([newer.Id, older.Id], list.Select(b => b.Id));
        Assert.Equal((BackfillStatus.Running, Owner, T0 + Duration.FromMinutes(1)), (list[1].Status, list[1].Owner, list[1].UpdatedAt));
        Assert.Equal((BackfillStatus.Cancelled, "cancelled on request", "2026-01-05", (string?)null), (list[0].Status, list[0].Message, list[0].Request.Range.From, list[0].Request.Range.To));
        Assert.Equal(BackfillCounts.None, list[0].Counts);
    }

    [Fact]
    public async Task Create_SameIdTwice_IsRefusedAndKeepsTheFirst()
    {
        var backfill = NewBackfill(new BackfillRequest { Selection = "raw_orders" }, T0);
        await Store.CreateBackfillAsync(backfill, [Step(0, Daily("raw_orders", "2026-01-01"))]);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.CreateBackfillAsync(backfill with { Request = new BackfillRequest { Selection = "other" } }, []));

        Assert.Equal("raw_orders", (await Store.GetBackfillAsync(backfill.Id))!.Request.Selection);
        Assert.Single(await Store.GetBackfillStepsAsync(backfill.Id));
    }
}

public sealed class DuckDbBackfillStoreTests() : BackfillStoreContract<DuckDbMetadataStore>(new DuckDbStoreUnderTest());

[Collection(PostgresTests.Name)]
public sealed class PostgresBackfillStoreTests(PostgresCluster cluster) : BackfillStoreContract<PostgresMetadataStore>(new PostgresStoreUnderTest(cluster));

using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using Assets.Storage.Maintenance;
using Assets.Storage.Metadata;
using Assets.Storage.Objects.Local;
using Assets.Storage.Publishing;
using NodaTime;

namespace Assets.Storage.Tests.Publishing;

/// <summary>
/// After a clean close the next open trusts the index and looks at no pointer (IStoreSession); after anything else (a
/// kill, a publish whose record failed, a close whose commit failed) it reconciles and finds the pointer the index lost.
/// </summary>
public sealed class CleanCloseTests
{
    private static readonly AssetPartition Day = ProtocolHarness.Day;
    private static readonly AssetPartition NextDay = new(Day.Asset, new PartitionKey("2026-01-06"));

    // Long enough that no timed commit happens during a test: index writes wait for a read, the close or a crash.
    private static readonly MetadataStoreOptions Grouped = new() { IndexWriteDelay = Duration.FromHours(1) };

    // Every index write committed at once, so a failing commit fails the write that made it.
    private static readonly MetadataStoreOptions Immediate = new() { IndexWriteDelay = Duration.Zero };

    [Fact]
    public async Task AfterACleanClose_TheNextOpenListsNothingAndReadsNoPointer_AndHasEveryWriteTheCloseCommitted()
    {
        await using var harness = await ProtocolHarness.CreateObservedAsync();
        var session = (DuckDbMetadataStore)await harness.OpenMetadataAsync("session.duckdb", Grouped);
        await harness.Reconciler(session).ReconcileChangesAsync();
        await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        var next = await harness.PublishAsync(ProtocolHarness.Rows(10, 2), NextDay);
        Assert.True(session.PendingWriteCount > 0);

        await session.DisposeAsync();
        var reopened = await harness.OpenMetadataAsync("session.duckdb", Grouped);
        harness.Observed.ResetCounts();
        var report = await harness.Reconciler(reopened).ReconcileChangesAsync();

        Assert.True(session.ClosedCleanly);
        Assert.True(report.IndexTrusted);
        Assert.Equal((0, 0, 0), (report.Read, harness.Observed.Listings, harness.Observed.Reads));
        var state = await reopened.GetStateAsync(NextDay);
        Assert.Equal((PartitionStatus.Published, next.MaterializationId), (state!.Status, state.MaterializationId));
    }

    [Fact]
    public async Task KilledAfterThePointerLanded_BeforeTheIndexWriteCommitted_TheNextOpenListsAndRecordsThePublish()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var first = (DuckDbMetadataStore)await harness.OpenMetadataAsync("killed.duckdb", Grouped);
        await harness.Reconciler(first).ReconcileChangesAsync();
        await harness.PublishAsync(ProtocolHarness.Rows(10, 1), NextDay);
        await first.DisposeAsync();
        Assert.True(first.ClosedCleanly);

        // The child opens the store as a command does (trusting it: the close above was clean), publishes, and is
        // killed with its index writes still in memory.
        string published;
        using (var child = ChildProgram.Start("killed-publisher.cs", harness.Store.Location, first.Path, Day.Asset.Value, Day.Partition!.Value.Value))
        {
            published = await child.WaitForLineAsync("published ");
            await child.KillAsync();
        }

        var reopened = await OpenOnceTheKilledProcessIsGoneAsync(harness, "killed.duckdb");
        Assert.False(reopened.IndexTrustedAfterCleanClose);
        Assert.NotEqual(published, (await reopened.GetStateAsync(Day))?.MaterializationId?.Value);
        var report = await harness.Reconciler(reopened).ReconcileChangesAsync();

        Assert.Equal((false, 1), (report.IndexTrusted, report.Updated));
        var state = await reopened.GetStateAsync(Day);
        Assert.Equal((PartitionStatus.Published, published), (state!.Status, state.MaterializationId?.Value));
        Assert.Contains(await reopened.GetMaterializationsAsync(Day), r => r.Id.Value == published && r.Sequence == 1);
    }

    [Fact]
    public async Task APublishWhoseRecordFailedAfterItsPointerLanded_LeavesTheSessionOpen_SoTheNextOpenFindsThePointer()
    {
        await using var harness = await ProtocolHarness.CreateObservedAsync();
        var session = (DuckDbMetadataStore)await harness.OpenMetadataAsync("session.duckdb", Immediate);
        await harness.Reconciler(session).ReconcileChangesAsync();
        var first = await harness.PublishAsync(ProtocolHarness.Rows(10, 1));

        // The commit of the record fails right after the swap; the partition is put back as it was.
        harness.Observed.AfterReplace = () => session.FailNextCommit = new IOException("No space left on device");
        await Assert.ThrowsAsync<IOException>(() => harness.PublishAsync(ProtocolHarness.Rows(10, 2)));
        harness.Observed.AfterReplace = null;
        var (pointer, _) = await PublishedPartitions.ReadPointerAsync(harness.Store, Day);
        Assert.NotEqual(first.MaterializationId, pointer!.MaterializationId);
        Assert.Equal(first.MaterializationId, (await session.GetStateAsync(Day))!.MaterializationId);
        Assert.False(session.IndexTrustedAfterCleanClose);

        await session.DisposeAsync();
        var reopened = await harness.OpenMetadataAsync("session.duckdb", Grouped);
        var report = await harness.Reconciler(reopened).ReconcileChangesAsync();

        Assert.False(session.ClosedCleanly);
        Assert.Equal((false, 1), (report.IndexTrusted, report.Updated));
        Assert.Equal(pointer.MaterializationId, (await reopened.GetStateAsync(Day))!.MaterializationId);
    }

    [Fact]
    public async Task ACtrlCRightAfterThePointerLanded_StillRecordsThePublish_SoTheCloseIsClean()
    {
        await using var harness = await ProtocolHarness.CreateObservedAsync();
        var session = (DuckDbMetadataStore)await harness.OpenMetadataAsync("session.duckdb", Grouped);
        await harness.Reconciler(session).ReconcileChangesAsync();
        await harness.PublishAsync(ProtocolHarness.Rows(10, 1));

        using var interrupt = new CancellationTokenSource();
        harness.Observed.AfterReplace = interrupt.Cancel;
        PartitionPointer published;
        await using (var publication = await harness.Publisher.BeginAsync(Day, RunId.New()))
        {
            await ProtocolHarness.StageAsync(publication, ProtocolHarness.Rows(10, 2));
            await ProtocolHarness.ManifestAsync(publication);
            published = await publication.PublishAsync(interrupt.Token);
        }

        Assert.True(interrupt.IsCancellationRequested);
        await session.DisposeAsync();
        var reopened = await harness.OpenMetadataAsync("session.duckdb", Grouped);
        var report = await harness.Reconciler(reopened).ReconcileChangesAsync();

        Assert.True(session.ClosedCleanly);
        Assert.True(report.IndexTrusted);
        var state = await reopened.GetStateAsync(Day);
        Assert.Equal((PartitionStatus.Published, published.MaterializationId), (state!.Status, state.MaterializationId));
    }

    [Fact]
    public async Task APublishCancelledBeforeItsPointerLanded_LeavesNothingToFind_SoTheCloseIsClean()
    {
        await using var harness = await ProtocolHarness.CreateObservedAsync();
        var session = (DuckDbMetadataStore)await harness.OpenMetadataAsync("session.duckdb", Grouped);
        await harness.Reconciler(session).ReconcileChangesAsync();
        var first = await harness.PublishAsync(ProtocolHarness.Rows(10, 1));

        harness.Observed.BeforeReplace = () => throw new OperationCanceledException();
        await Assert.ThrowsAsync<OperationCanceledException>(() => harness.PublishAsync(ProtocolHarness.Rows(10, 2)));
        harness.Observed.BeforeReplace = null;
        await session.DisposeAsync();
        var reopened = await harness.OpenMetadataAsync("session.duckdb", Grouped);

        Assert.True(session.ClosedCleanly);
        Assert.True((await harness.Reconciler(reopened).ReconcileChangesAsync()).IndexTrusted);
        Assert.Equal(first.MaterializationId, (await reopened.GetStateAsync(Day))!.MaterializationId);
    }

    [Fact]
    public async Task ACloseWhoseCommitFails_IsNotRecordedClean_SoTheNextOpenFindsThePublishItsWritesHeld()
    {
        await using var harness = await ProtocolHarness.CreateObservedAsync();
        var session = (DuckDbMetadataStore)await harness.OpenMetadataAsync("session.duckdb", Grouped);
        await harness.Reconciler(session).ReconcileChangesAsync();
        var published = await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        session.FailNextCommit = new IOException("No space left on device");

        await Assert.ThrowsAsync<IOException>(() => session.DisposeAsync().AsTask());
        var reopened = await harness.OpenMetadataAsync("session.duckdb", Grouped);
        var report = await harness.Reconciler(reopened).ReconcileChangesAsync();

        Assert.False(session.ClosedCleanly);
        Assert.Equal((false, 1, 1), (report.IndexTrusted, report.Read, report.Updated));
        Assert.Equal(published.MaterializationId, (await reopened.GetStateAsync(Day))!.MaterializationId);
    }

    [Fact]
    public async Task AStoreClosedWithoutEverBeingReconciled_OrWhileALeaseIsHeld_IsNotTrustedNextTime()
    {
        await using var harness = await ProtocolHarness.CreateObservedAsync();
        var unreconciled = (DuckDbMetadataStore)await harness.OpenMetadataAsync("unreconciled.duckdb");
        await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        await unreconciled.DisposeAsync();
        var leased = (DuckDbMetadataStore)await harness.OpenMetadataAsync("leased.duckdb");
        await harness.Reconciler(leased).ReconcileChangesAsync();
        Assert.True(await leased.TryAcquireLeaseAsync(NextDay, RunId.New(), harness.Clock.GetCurrentInstant(), Duration.FromMinutes(5)));
        await leased.DisposeAsync();

        Assert.False(unreconciled.ClosedCleanly);
        Assert.False(leased.ClosedCleanly);
        Assert.False(((DuckDbMetadataStore)await harness.OpenMetadataAsync("unreconciled.duckdb")).IndexTrustedAfterCleanClose);
        Assert.False(((DuckDbMetadataStore)await harness.OpenMetadataAsync("leased.duckdb")).IndexTrustedAfterCleanClose);
    }

    [Fact]
    public async Task AStoreFileUsedWithAnotherRoot_IsReconciledInFullThere()
    {
        await using var harness = await ProtocolHarness.CreateObservedAsync();
        var session = (DuckDbMetadataStore)await harness.OpenMetadataAsync("session.duckdb");
        await harness.Reconciler(session).ReconcileChangesAsync();
        await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        await session.DisposeAsync();
        var otherRoot = new LocalObjectStore(Path.Combine(Path.GetDirectoryName(harness.Store.Location)!, "other-root"));

        var reopened = await harness.OpenMetadataAsync("session.duckdb");
        var report = await new PointerReconciler(otherRoot, reopened, harness.Clock).ReconcileChangesAsync();

        Assert.True(session.ClosedCleanly);
        Assert.Equal((false, 0, 1), (report.IndexTrusted, report.Pointers, report.Updated));
        Assert.Equal(PartitionStatus.Missing, (await reopened.GetStateAsync(Day))!.Status);
    }

    [Fact]
    public async Task AStoreFromBeforeSessionsWereRecorded_IsReconciledOnceAfterTheMigration_ThenTrusted()
    {
        await using var harness = await ProtocolHarness.CreateObservedAsync();
        var session = (DuckDbMetadataStore)await harness.OpenMetadataAsync("older.duckdb");
        await harness.Reconciler(session).ReconcileChangesAsync();
        var published = await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        await session.DisposeAsync();

        // Back to schema version 6, as an older Assets left the file: no session record, a mark without a root.
        using (var connection = new DuckDB.NET.Data.DuckDBConnection($"Data Source={session.Path}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                DROP TABLE store_session; ALTER TABLE reconciliation_mark DROP COLUMN root;
                DROP TABLE status_generation; DROP TABLE status_grid_snapshot_key;
                ALTER TABLE partition_states DROP COLUMN materialization_key; ALTER TABLE materialization_upstream DROP COLUMN materialization_key;
                CREATE TABLE status_grid_snapshot (id INTEGER NOT NULL PRIMARY KEY, snapshot_key VARCHAR NOT NULL, payload BLOB NOT NULL, written_at BIGINT NOT NULL);
                DELETE FROM schema_version WHERE version >= 7
                """;
            command.ExecuteNonQuery();
        }

        var migrated = (DuckDbMetadataStore)await harness.OpenMetadataAsync("older.duckdb");
        var first = await harness.Reconciler(migrated).ReconcileChangesAsync();
        await migrated.DisposeAsync();
        var next = await harness.Reconciler(await harness.OpenMetadataAsync("older.duckdb")).ReconcileChangesAsync();

        Assert.Equal((false, 1), (first.IndexTrusted, first.Pointers));
        Assert.Equal(published.MaterializationId, (await harness.Metadata.GetStateAsync(Day))!.MaterializationId);
        Assert.True(next.IndexTrusted);
    }

    /// <summary>
    /// The program <c>dotnet run</c> started is a process of its own: it may hold the file's lock for a moment after the
    /// kill returned, as the next command after a kill can find.
    /// </summary>
    private static async Task<DuckDbMetadataStore> OpenOnceTheKilledProcessIsGoneAsync(ProtocolHarness harness, string name)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return (DuckDbMetadataStore)await harness.OpenMetadataAsync(name, Grouped);
            }
            catch (MetadataStoreLockedException) when (attempt < 100)
            {
                await Task.Delay(100);
            }
        }
    }
}

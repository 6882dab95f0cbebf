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
/// After an unclean close the next open reads the dead session's pointer-write log and only the pointers it names (and
/// those of partitions left running): nothing is listed, a publish whose record the crash lost is found whatever its
/// pointer's modification time says, and a log that is not the dead session's whole log is not trusted.
/// </summary>
public sealed class PointerWriteLogTests
{
    private static readonly AssetPartition Day = ProtocolHarness.Day;

    // Long enough that no timed commit happens during a test: index writes wait for a read, the close or a crash.
    private static readonly MetadataStoreOptions Grouped = new() { IndexWriteDelay = Duration.FromHours(1) };

    [Fact]
    public async Task AfterACrash_TheNextOpenListsNothing_AndReadsOnlyThePointerTheLogNames()
    {
        await using var harness = await ProtocolHarness.CreateObservedAsync();
        var others = await PublishDaysAsync(harness, 6);
        var session = (DuckDbMetadataStore)await harness.OpenMetadataAsync("log.duckdb", Grouped);
        await harness.Reconciler(session).ReconcileChangesAsync();
        var lost = await harness.PublishAsync(ProtocolHarness.Rows(10, 99));

        // Killed: the pointer is on disk, its record only in memory.
        await session.SimulateCrashAsync();
        var reopened = (DuckDbMetadataStore)await harness.OpenMetadataAsync("log.duckdb", Grouped);
        harness.Observed.ResetCounts();
        var report = await harness.Reconciler(reopened).ReconcileChangesAsync();

        Assert.True(report.FromPointerWriteLog);
        Assert.Equal((0, 1, 1), (harness.Observed.Listings, report.Read, report.Updated));
        Assert.Equal(
            [StorageLayout.PointerOf(Day), StorageLayout.ManifestOf(Day, lost.MaterializationId)],
            harness.Observed.ReadKeys.Distinct());
        var state = await reopened.GetStateAsync(Day);
        Assert.Equal((PartitionStatus.Published, lost.MaterializationId), (state!.Status, state.MaterializationId));
        Assert.All(others, p => Assert.DoesNotContain(StorageLayout.PointerOf(p), harness.Observed.ReadKeys));
    }

    [Fact]
    public async Task ALoggedPublishWhoseRecordWasLost_IsFoundEvenWhenItsPointerLooksOlderThanTheLastReconciliation()
    {
        // A local root: the log line is flushed in the round that makes the staged files durable before the swap.
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        var session = (DuckDbMetadataStore)await harness.OpenMetadataAsync("log.duckdb", Grouped);
        await harness.Reconciler(session).ReconcileChangesAsync();
        var lost = await harness.PublishAsync(ProtocolHarness.Rows(10, 2));
        await session.SimulateCrashAsync();

        // A modification time the listing would skip (a copy that kept old times, a clock far off): only the log tells.
        File.SetLastWriteTimeUtc(Path.Combine(harness.Store.Location, StorageLayout.PointerOf(Day).Value), DateTime.UtcNow.AddHours(-1));
        var reopened = await harness.OpenMetadataAsync("log.duckdb", Grouped);
        var report = await harness.Reconciler(reopened).ReconcileChangesAsync();

        Assert.Equal((true, 1), (report.FromPointerWriteLog, report.Updated));
        var state = await reopened.GetStateAsync(Day);
        Assert.Equal((PartitionStatus.Published, lost.MaterializationId, 2L), (state!.Status, state.MaterializationId, state.Sequence));
        Assert.Contains(await reopened.GetMaterializationsAsync(Day), r => r.Id == lost.MaterializationId && r.Sequence == 2);
    }

    [Fact]
    public async Task TheLoggedReconciliationReplacesTheLog_SoACrashRightAfterReadsNothing_AndACleanCloseDeletesIt()
    {
        await using var harness = await ProtocolHarness.CreateObservedAsync();
        var first = (DuckDbMetadataStore)await harness.OpenMetadataAsync("log.duckdb", Grouped);
        await harness.Reconciler(first).ReconcileChangesAsync();
        await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        await first.SimulateCrashAsync();

        var second = (DuckDbMetadataStore)await harness.OpenMetadataAsync("log.duckdb", Grouped);
        var found = await harness.Reconciler(second).ReconcileChangesAsync();
        await second.SimulateCrashAsync();
        var third = (DuckDbMetadataStore)await harness.OpenMetadataAsync("log.duckdb", Grouped);
        harness.Observed.ResetCounts();
        var nothing = await harness.Reconciler(third).ReconcileChangesAsync();
        Assert.True(File.Exists(PointerWriteLogFile.PathOf(third.Path)));
        await third.DisposeAsync();

        Assert.Equal((true, 1), (found.FromPointerWriteLog, found.Read));
        Assert.Equal((true, 0, 0, 0), (nothing.FromPointerWriteLog, nothing.Read, harness.Observed.Listings, harness.Observed.Reads));
        Assert.True(third.ClosedCleanly);
        Assert.False(File.Exists(PointerWriteLogFile.PathOf(third.Path)));
    }

    [Fact]
    public async Task ALogWithATornLastLine_IsRead_ButALogOfAnotherSession_IsNotTrusted_AndTheOpenLists()
    {
        await using var harness = await ProtocolHarness.CreateObservedAsync();
        var session = (DuckDbMetadataStore)await harness.OpenMetadataAsync("log.duckdb", Grouped);
        await harness.Reconciler(session).ReconcileChangesAsync();
        var lost = await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        await session.SimulateCrashAsync();
        var log = PointerWriteLogFile.PathOf(session.Path);

        // An append a power loss cut short: it was never flushed, so no pointer was written after it.
        await File.AppendAllTextAsync(log, "current/sales%2Forders/2026-01-0");
        var torn = await harness.OpenMetadataAsync("log.duckdb", Grouped);
        Assert.Equal([Day], ((IStoreSession)torn).PointerWritesOfUncleanClose!.Written);
        await ((DuckDbMetadataStore)torn).SimulateCrashAsync();

        // The header names the session before: whatever that session wrote is not what the crashed one did.
        var lines = await File.ReadAllLinesAsync(log);
        var header = lines[0].Split('\t');
        header[1] = (long.Parse(header[1], System.Globalization.CultureInfo.InvariantCulture) - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await File.WriteAllLinesAsync(log, [string.Join('\t', header), .. lines[1..]]);
        var reopened = await harness.OpenMetadataAsync("log.duckdb", Grouped);
        harness.Observed.ResetCounts();
        var report = await harness.Reconciler(reopened).ReconcileChangesAsync();

        Assert.Null(((IStoreSession)reopened).PointerWritesOfUncleanClose);
        Assert.Equal((false, 1), (report.FromPointerWriteLog, harness.Observed.Listings));
        Assert.Equal(lost.MaterializationId, (await reopened.GetStateAsync(Day))!.MaterializationId);
    }

    [Fact]
    public async Task ACommitThatRecordsEveryLoggedWrite_CutsTheLogBack_SoTheOpenAfterACrashReadsOnlyWhatCameAfter()
    {
        await using var harness = await ProtocolHarness.CreateObservedAsync();
        var session = (DuckDbMetadataStore)await harness.OpenMetadataAsync("log.duckdb", Grouped);
        session.PointerWriteLogTrimAfterBytes = 0;
        await harness.Reconciler(session).ReconcileChangesAsync();
        await PublishDaysAsync(harness, 3);
        var log = PointerWriteLogFile.PathOf(session.Path);
        var logged = new FileInfo(log).Length;
        await session.FlushAsync();
        var cut = new FileInfo(log).Length;
        var lost = await harness.PublishAsync(ProtocolHarness.Rows(10, 9));
        await session.SimulateCrashAsync();

        var reopened = await harness.OpenMetadataAsync("log.duckdb", Grouped);
        var report = await harness.Reconciler(reopened).ReconcileChangesAsync();

        Assert.True(cut < logged, $"the log was not cut back: {logged} bytes before the commit, {cut} after");
        Assert.Equal((true, 1, 1), (report.FromPointerWriteLog, report.Read, report.Updated));
        Assert.Equal(lost.MaterializationId, (await reopened.GetStateAsync(Day))!.MaterializationId);
    }

    [Fact]
    public async Task ARollbackIsLoggedLikeAPublish_SoACrashBeforeItsRecordIsFound()
    {
        await using var harness = await ProtocolHarness.CreateObservedAsync();
        var earlier = (DuckDbMetadataStore)await harness.OpenMetadataAsync("log.duckdb", Grouped);
        await harness.Reconciler(earlier).ReconcileChangesAsync();
        var first = await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        await harness.PublishAsync(ProtocolHarness.Rows(10, 2));
        await earlier.DisposeAsync();

        // The session that rolls back logs nothing else.
        var session = (DuckDbMetadataStore)await harness.OpenMetadataAsync("log.duckdb", Grouped);
        Assert.True((await harness.Reconciler(session).ReconcileChangesAsync()).IndexTrusted);
        await new PartitionRollback(harness.Store, session, harness.Clock).RollbackAsync(Day, first.MaterializationId, RunId.New());
        await session.SimulateCrashAsync();
        var reopened = await harness.OpenMetadataAsync("log.duckdb", Grouped);
        var report = await harness.Reconciler(reopened).ReconcileChangesAsync();

        Assert.Equal((true, 1, 1), (report.FromPointerWriteLog, report.Read, report.Updated));
        var state = await reopened.GetStateAsync(Day);
        Assert.Equal((first.MaterializationId, 3L), (state!.MaterializationId, state.Sequence));
    }

    private static async Task<List<AssetPartition>> PublishDaysAsync(ProtocolHarness harness, int days)
    {
        var published = new List<AssetPartition>();
        for (var i = 0; i < days; i++)
        {
            var partition = new AssetPartition(Day.Asset, new PartitionKey($"2026-02-{i + 1:D2}"));
            await harness.PublishAsync(ProtocolHarness.Rows(5, i), partition);
            published.Add(partition);
        }

        return published;
    }
}

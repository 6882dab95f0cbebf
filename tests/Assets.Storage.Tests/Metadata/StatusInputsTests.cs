using Assets.Graph;
using Assets.Mappings;
using Assets.Partitions;
using Assets.Metadata;
using Assets.Planning;
using Assets.Sources;
using NodaTime;
using static Assets.Storage.Tests.Metadata.StatusGridPipelines;
using static Assets.Storage.Tests.Metadata.StoreFolder;

namespace Assets.Storage.Tests.Metadata;

/// <summary>
/// The DuckDB store compares recorded upstream versions with the upstream's current one itself (IStatusInputStore):
/// the grid evaluated from those inputs is the grid evaluated from every recorded version, cause for cause, for every
/// way a published partition goes stale.
/// </summary>
public sealed class StatusInputsTests : OpenStoreTests
{
    /// <summary>A daily upstream, a second one read through a three-day window, and a downstream of both; the upstream's source is observed.</summary>
    public static class WindowPipeline
    {
        [Asset(CodeVersion = "c1")]
        [DailyPartitions("2026-01-01")]
        public static IEnumerable<Row> Up() => [];

        [Asset(CodeVersion = "c1")]
        [DailyPartitions("2026-01-01")]
        public static IEnumerable<Row> Side() => [];

        [Asset(CodeVersion = "c1")]
        [DailyPartitions("2026-01-01")]
        public static IEnumerable<Row> Down([From("up")] IEnumerable<Row> up, [From("side")] [Window(-2, 0)] IEnumerable<Row> side) => [];

        [SourceObserver("up")]
        public static SourceObservation UpFile(SourceContext context) => SourceObservation.Absent($"up/{context.PartitionKey}");
    }

    private readonly AssetGraph _graph = new AssetGraphBuilder().AddTypes(typeof(WindowPipeline)).Build();

    [Fact]
    public async Task EveryKindOfChange_GivesTheGridOfEveryRecordedVersion_CauseForCause()
    {
        // Jan 1 to Jan 4 exist at T0. Every upstream published as "v1"; up was built from source version "s1".
        foreach (var day in new[] { "2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04" })
        {
            await PublishAsync(Daily("side", day), "v1");
            await PublishAsync(Daily("up", day), "v1", StatusEvaluator.SourceVersionEntry(Daily("up", day), "s1"));
        }

        // Jan 1: read what everything holds now: published.
        await PublishAsync(Daily("down", "2026-01-01"), "v1", Read("up", "2026-01-01", "v1"), Read("side", "2026-01-01", "v1"));

        // Jan 2: read an older version of up (republished since) and its window in another order than it is read now.
        await PublishAsync(Daily("down", "2026-01-02"), "v1", Read("side", "2026-01-02", "v1"), Read("up", "2026-01-02", "v0"), Read("side", "2026-01-01", "v1"));

        // Jan 3: did not read side Jan 1 (new since).
        await PublishAsync(Daily("down", "2026-01-03"), "v1", Read("up", "2026-01-03", "v1"), Read("side", "2026-01-02", "v1"), Read("side", "2026-01-03", "v1"));

        // Jan 4: also read a partition of an asset that is no longer an input, which the store has no state for.
        await PublishAsync(Daily("down", "2026-01-04"), "v1", Read("up", "2026-01-04", "v1"), Read("side", "2026-01-02", "v1"), Read("side", "2026-01-03", "v1"), Read("side", "2026-01-04", "v1"), Read("gone", "2026-01-04", "v9"));

        // up Jan 2's source changed since; up Jan 3's is the one it was built from.
        await Store.RecordObservationsAsync([
            new ObservedSource(Daily("up", "2026-01-02"), true, "s2", "up/2026-01-02", T0),
            new ObservedSource(Daily("up", "2026-01-03"), true, "s1", "up/2026-01-03", T0),
        ]);

        var cache = new StatusGridCache();
        var compared = await cache.EvaluateAsync(_graph, Store, T0);
        var listed = StatusEvaluator.Evaluate(_graph, await Store.GetStatesAsync(), await Store.GetRecordedUpstreamAsync(), T0, await Store.GetObservationsAsync());

        Assert.Equal(listed.Rows.ToList(), compared.Rows.ToList());
        Assert.Equal(
            [
                (PartitionStatus.Published, null),
                (PartitionStatus.Stale, "upstream up[2026-01-02] was republished with another data version (v0 → v1)"),
                (PartitionStatus.Stale, "upstream side[2026-01-01] was not read when this partition was published (it is new since)"),
                (PartitionStatus.Stale, "upstream gone[2026-01-04] was read when this partition was published but is no longer one of its inputs"),
            ],
            compared.RowsOf(AssetKey.Parse("down")).Select(r => (r.Status, r.Cause)));
        Assert.Equal("source changed since it was published: up/2026-01-02 (s1 → s2)", compared[Daily("up", "2026-01-02")].Cause);
        Assert.Equal(PartitionStatus.Published, compared[Daily("up", "2026-01-03")].Status);
    }

    [Fact]
    public async Task AnUpstreamWithNoStateOrNoVersion_IsUnpublished_AsFromEveryRecordedVersion()
    {
        var graph = new AssetGraphBuilder().AddTypes(typeof(Pipeline)).Build();
        await PublishAsync(Daily("up", "2026-01-01"), "v1");
        await PublishAsync(Daily("down", "2026-01-01"), "v1", Read("up", "2026-01-01", "v1"));
        await PublishAsync(Daily("down", "2026-01-02"), "v1", Read("up", "2026-01-02", "v1"));

        // up Jan 1's pointer vanished: its state stays, without a version; up Jan 2 never had a state.
        await Store.ReplacePublishedStatesAsync([.. (await Store.GetStatesAsync()).Where(s => s.Partition != Daily("up", "2026-01-01"))]);

        var compared = await new StatusGridCache().EvaluateAsync(graph, Store, T0);
        var listed = StatusEvaluator.Evaluate(graph, await Store.GetStatesAsync(), await Store.GetRecordedUpstreamAsync(), T0);

        Assert.Equal(listed.Rows.ToList(), compared.Rows.ToList());
        Assert.Equal("upstream up[2026-01-01] no longer has a published version (this partition read v1)", compared[Daily("down", "2026-01-01")].Cause);
        Assert.Equal("upstream up[2026-01-02] no longer has a published version (this partition read v1)", compared[Daily("down", "2026-01-02")].Cause);
    }

    [Fact]
    public async Task StatesReadInPlaceFromDuckDbVectors_AreTheStatesTheStoreHolds_AcrossChunksAndTextLengths()
    {
        // 5,000 states: three of DuckDB's 2,048-row chunks. Texts of 12 bytes or fewer are inlined in a vector, longer ones
        // point elsewhere; non-ASCII text takes more bytes than characters; optional columns are null every third row.
        var states = new List<PartitionState>();
        var day = new LocalDate(2010, 1, 1);
        for (var i = 0; i < 5000; i++)
        {
            var asset = AssetKey.Parse(i % 2 == 0 ? "up" : "a_much_longer_asset_name");
            var partition = new AssetPartition(asset, new PartitionKey(day.PlusDays(i / 2).ToString("yyyy-MM-dd", null)));
            var sparse = i % 3 == 0;
            states.Add(new PartitionState(
                partition,
                sparse ? PartitionStatus.Failed : PartitionStatus.Published,
                sparse ? $"échec n° {i % 7}: the step threw" : null,
                sparse ? null : MaterializationId.New(),
                sparse ? null : (i % 2 == 0 ? $"v{i}" : $"{i:x8}{new string('f', 56)}"),
                sparse ? null : (i % 5 == 0 ? "c1" : "code-version-ü-longer-than-twelve"),
                sparse ? null : i,
                sparse ? null : T0 + Duration.FromSeconds(i),
                T0 + Duration.FromMilliseconds(i)));
        }

        await Store.SetStatesAsync(states);

        var inputs = await ((IStatusInputStore)Store).GetStatusInputsAsync();

        Assert.Equal(
            states.OrderBy(s => s.Partition.Asset.Value, StringComparer.Ordinal).ThenBy(s => s.Partition.Partition!.Value.Value, StringComparer.Ordinal),
            inputs.States.OrderBy(s => s.Partition.Asset.Value, StringComparer.Ordinal).ThenBy(s => s.Partition.Partition!.Value.Value, StringComparer.Ordinal));
        Assert.Equal(inputs.States.Count + 1, inputs.ReadStart.Length);
        Assert.Equal(0, inputs.ReadStart[^1]);
    }

    [Fact]
    public async Task AGridFromTheStoresRead_MakesAStoredStateOnlyForTheRowsAskedFor_DecodesNoCurrentVersion_AndEachIsTheStateTheStoreHolds()
    {
        // 300 published days of up and down, each down day reading its up day: all current, so planning asks for no state.
        var graph = new AssetGraphBuilder().AddTypes(typeof(Pipeline)).Build();
        var first = new LocalDate(2026, 1, 1);
        for (var i = 0; i < 300; i++)
        {
            var day = first.PlusDays(i).ToString("yyyy-MM-dd", null);
            await PublishAsync(Daily("up", day), $"u{i}");
            await PublishAsync(Daily("down", day), $"d{i}", Read("up", day, $"u{i}"));
        }

        // Exactly the 300 days exist.
        var asOf = Instant.FromUtc(2026, 10, 28, 6, 0);
        var inputs = await ((IStatusInputStore)Store).GetStatusInputsAsync();
        var grid = StatusEvaluator.EvaluateInputs(graph, inputs, asOf);
        Assert.Equal(600, grid.Rows.Count(r => r.Status == PartitionStatus.Published));
        _ = Planner.CreatePlan(graph, grid, graph.Assets, PartitionRange.All);

        // Every read is of the version its upstream holds now: no version was made into a string to compare it.
        Assert.Equal(0, inputs.States.DecodedDataVersions);
        var snapshot = StatusGridSnapshotFormat.Write(grid);

        Assert.Equal(0, inputs.States.MadeCount);
        var row = grid[Daily("down", "2026-03-01")];
        var held = (await Store.GetStatesAsync()).Single(s => s.Partition == row.Partition);
        Assert.Equal(held, row.Stored);
        Assert.Same(row.Stored, grid[Daily("down", "2026-03-01")].Stored);
        Assert.Equal(1, inputs.States.MadeCount);
        Assert.Equal(StatusEvaluator.Evaluate(graph, await Store.GetStatesAsync(), await Store.GetRecordedUpstreamAsync(), asOf).Rows.ToList(), grid.Rows.ToList());
        Assert.Equal(grid.Rows.ToList(), StatusGridSnapshotFormat.TryRead(graph, new PartitionSpace.Cache(asOf), asOf, snapshot)!.Rows.ToList());
    }

    [Fact]
    public async Task AnInMemoryStore_ReadsItsOwnStatesAndReads_OnItsSecondConnection()
    {
        // The join runs on a second connection: for an in-memory database that must be the same database, not a new empty one.
        await using var store = await Assets.Storage.Metadata.DuckDbMetadataStore.OpenInMemoryAsync(Clock);
        var id = MaterializationId.New();
        await store.RecordMaterializationAsync(new MaterializationRecord(Daily("down", "2026-01-01"), id, RunId.New(), "v1", "c1", 1, 1, "m", [Read("up", "2026-01-01", "v0")], T0, T0, 1));
        await store.SetStatesAsync([
            new PartitionState(Daily("up", "2026-01-01"), PartitionStatus.Published, null, MaterializationId.New(), "v1", "c1", 1, T0, T0),
            new PartitionState(Daily("down", "2026-01-01"), PartitionStatus.Published, null, id, "v1", "c1", 1, T0, T0)]);

        var inputs = await ((IStatusInputStore)store).GetStatusInputsAsync();

        Assert.Equal(2, inputs.States.Count);
        var down = inputs.States.ToList().FindIndex(s => s.Partition == Daily("down", "2026-01-01"));
        Assert.Equal(1, inputs.ReadStart[down + 1] - inputs.ReadStart[down]);
        var entry = inputs.ReadStart[down];
        Assert.Equal(Daily("up", "2026-01-01"), inputs.States[inputs.ReadUpstream[entry]].Partition);
        Assert.Equal("v0", inputs.Differing[entry].DataVersion);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(70_000)]
    public async Task ReadsGroupedByState_AreEachStatesRecordedReadsInOrder_WhetherItsReadersAreCloseOrFarApart(int days)
    {
        // Two readers at either end of the table: next to each other (grouped on the join's thread by row id) or 70,000
        // rows apart (too sparse for that: grouped after the states are in).
        var first = new LocalDate(2000, 1, 1);
        var states = Enumerable.Range(0, days).Select(i => Published(Daily("up", first.PlusDays(i).ToString("yyyy-MM-dd", null)), $"u{i}")).ToList();
        var (early, late) = (states[0], states[^1]);
        foreach (var part in new[] { states[..1], states[1..^1], states[^1..] })
        {
            // Committed one after the other (a read commits what is pending), so the readers' row ids are as far apart as the days.
            await Store.SetStatesAsync(part);
            await Store.GetSchemaVersionAsync();
        }
        await Store.RecordMaterializationAsync(new MaterializationRecord(early.Partition, early.MaterializationId!.Value, RunId.New(), "u0", "c1", 1, 1, "m", [Read("side", "2026-01-02", "s1"), Read("up", "2000-01-01", "u0")], T0, T0, 1));
        await Store.RecordMaterializationAsync(new MaterializationRecord(late.Partition, late.MaterializationId!.Value, RunId.New(), late.DataVersion!, "c1", 1, 1, "m", [Read("up", "2000-01-02", "old"), Read("up", "2000-01-01", "u0"), Read("up", "1999-12-31", "x")], T0, T0, 1));

        var inputs = await ((IStatusInputStore)Store).GetStatusInputsAsync();
        var recorded = await Store.GetRecordedUpstreamAsync();

        for (var k = 0; k < inputs.States.Count; k++)
        {
            var reads = Enumerable.Range(inputs.ReadStart[k], inputs.ReadStart[k + 1] - inputs.ReadStart[k]).Select(entry =>
            {
                var upstream = inputs.ReadUpstream[entry];
                var partition = upstream >= 0 ? inputs.States[upstream].Partition : inputs.Differing[entry].Partition!.Value;
                var version = inputs.HasDiffering[entry] ? inputs.Differing[entry].DataVersion : inputs.States[upstream].DataVersion;
                return new UpstreamVersion(partition.Asset, partition.Partition, version!);
            });
            Assert.Equal(recorded.GetValueOrDefault(inputs.States[k].Partition) ?? [], reads.ToList());
        }

        Assert.Equal(5, inputs.ReadStart[^1]);
        using var connection = new DuckDB.NET.Data.DuckDBConnection($"Data Source={Store.Path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT max(rowid) - min(rowid) FROM partition_states WHERE asset = 'up' AND partition IN ('2000-01-01', $last)";
        command.Parameters.Add(new DuckDB.NET.Data.DuckDBParameter("last", late.Partition.Partition!.Value.Value));
        var apart = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(days == 2 ? apart == 1 : apart > 4 * 5 + 65_536, $"The readers' row ids are {apart} apart.");
    }

    private static UpstreamVersion Read(string asset, string day, string version) => new(AssetKey.Parse(asset), Daily(asset, day).Partition, version);

    private async Task PublishAsync(AssetPartition partition, string dataVersion, params UpstreamVersion[] read)
    {
        var id = MaterializationId.New();
        await Store.RecordMaterializationAsync(new MaterializationRecord(partition, id, RunId.New(), dataVersion, "c1", 1, 1, "m", read, T0, T0, 1));
        await Store.SetStatesAsync([new PartitionState(partition, PartitionStatus.Published, null, id, dataVersion, "c1", 1, T0, T0)]);
    }
}

using System.Diagnostics;
using Assets.Benchmarks.Synthetic;
using Assets.Graph;
using Assets.Metadata;
using Assets.Planning;
using Assets.Storage.Metadata;
using DuckDB.NET.Data;
using NodaTime;

namespace Assets.Benchmarks;

/// <summary>
/// Planning 200 assets x 3,650 daily partitions: the status grid read from the DuckDB store (beside a plain
/// SELECT of the same rows, and beside the way every recorded version was read before), staleness evaluation and the
/// missing-or-stale plan, after one root partition changed; then the same with nothing changed, in one process and in a new one.
/// </summary>
public sealed class PlanningBenchmark : IBenchmark
{
    public string Name => "planning";

    public async Task RunAsync(bool quick, Report report)
    {
        var graph = Graph();
        var asOf = AsOf;
        var days = quick ? 365 : int.MaxValue;
        var folder = Path.Combine(Path.GetTempPath(), "assets-bench-plan-" + Guid.NewGuid().ToString("N"));
        var path = Path.Combine(folder, "meta.duckdb");
        try
        {
            var (states, recorded) = await WriteStoreAsync(graph, path, days);

            // Cold, as a plan evaluates from the DuckDB store now: states and recorded reads whose versions DuckDB compared.
            var watch = Stopwatch.StartNew();
            StatusInputs inputs;
            TimeSpan cpuAtStart;
            TimeSpan storeRead, storeReadCpu;
            await using (var store = await DuckDbMetadataStore.OpenAsync(path))
            {
                cpuAtStart = ProcessCpu();
                watch.Restart();
                inputs = await ((IStatusInputStore)store).GetStatusInputsAsync();
                storeRead = watch.Elapsed;
                storeReadCpu = ProcessCpu() - cpuAtStart;
                watch.Restart();
            }

            // Closing the store is not planning, but a command pays it: reported on its own.
            var storeClose = watch.Elapsed;
            var cpuAfterClose = ProcessCpu();
            watch.Restart();
            var grid = StatusEvaluator.EvaluateInputs(graph, inputs, asOf);
            var evaluate = watch.Elapsed;
            watch.Restart();
            var plan = Planner.CreatePlan(graph, grid, graph.Assets, PartitionRange.All);
            var planning = watch.Elapsed;
            var coldCpu = ProcessCpu() - cpuAfterClose + storeReadCpu;

            // Cold the way it was done before (and still is for a store that cannot compare versions itself, such as
            // PostgreSQL): every state and every recorded version read into objects, compared in .NET.
            IReadOnlyList<PartitionState> read;
            IReadOnlyDictionary<AssetPartition, IReadOnlyList<UpstreamVersion>> readRecorded;
            TimeSpan statesRead, listedRead;
            await using (var store = await DuckDbMetadataStore.OpenAsync(path))
            {
                watch.Restart();
                read = await store.GetStatesAsync();
                statesRead = watch.Elapsed;
                readRecorded = await store.GetRecordedUpstreamAsync();
                listedRead = watch.Elapsed;
            }

            watch.Restart();
            var listedGrid = StatusEvaluator.Evaluate(graph, read, readRecorded, asOf);
            var listedEvaluate = watch.Elapsed;
            var listedPlan = Planner.CreatePlan(graph, listedGrid, graph.Assets, PartitionRange.All);
            if (!listedGrid.Rows.SequenceEqual(grid.Rows) || listedPlan.Steps.Count != plan.Steps.Count)
            {
                throw new InvalidOperationException("The grid from compared inputs differs from the one evaluated from every recorded version.");
            }

            // The machine is shared and its load moves within a minute: both ways again, alternated, read + evaluate each.
            var comparedAgain = new List<TimeSpan>();
            var listedAgain = new List<TimeSpan>();
            for (var i = 0; i < 3; i++)
            {
                GC.Collect();
                await using (var store = await DuckDbMetadataStore.OpenAsync(path))
                {
                    watch.Restart();
                    _ = StatusEvaluator.EvaluateInputs(graph, await ((IStatusInputStore)store).GetStatusInputsAsync(), asOf);
                    comparedAgain.Add(watch.Elapsed);
                }

                GC.Collect();
                await using (var store = await DuckDbMetadataStore.OpenAsync(path))
                {
                    watch.Restart();
                    _ = StatusEvaluator.Evaluate(graph, await store.GetStatesAsync(), await store.GetRecordedUpstreamAsync(), asOf);
                    listedAgain.Add(watch.Elapsed);
                }
            }

            var raw = RawSelect(path);
            var rawRecorded = RawRecordedSelect(path);
            watch.Restart();
            var again = Planner.CreatePlan(graph, StatusEvaluator.Evaluate(graph, read, recorded, asOf), graph.Assets, PartitionRange.All);
            var warm = watch.Elapsed;

            // Planning again with nothing changed, through the cache a long-lived process keeps.
            TimeSpan fingerprintOnly, warmCached, coldThroughCache;
            Plan cachedPlan;
            await using (var store = await DuckDbMetadataStore.OpenAsync(path))
            {
                var cache = new StatusGridCache();
                watch.Restart();
                await cache.EvaluateAsync(graph, store, asOf);
                coldThroughCache = watch.Elapsed;
                watch.Restart();
                await store.GetStatusFingerprintAsync();
                fingerprintOnly = watch.Elapsed;
                watch.Restart();
                cachedPlan = Planner.CreatePlan(graph, await cache.EvaluateAsync(graph, store, asOf), graph.Assets, PartitionRange.All);
                warmCached = watch.Elapsed;
                if (cache.Hits != 1 || cachedPlan.Steps.Count != plan.Steps.Count)
                {
                    throw new InvalidOperationException($"The cached plan differs: {cache.Hits} hits, {cachedPlan.Steps.Count} steps instead of {plan.Steps.Count}.");
                }
            }

            // A new process on the unchanged store: the first evaluation wrote the snapshot; a new cache over the
            // reopened file reads it (fingerprint + snapshot + plan), as a one-shot plan or status does.
            var snapshotBytes = SnapshotBytes(path);
            var newProcess = new List<TimeSpan>();
            var fingerprints = new List<TimeSpan>();
            var fetches = new List<TimeSpan>();
            for (var i = 0; i < 3; i++)
            {
                fetches.Add(RawSnapshotFetch(path));
                await using var store = await DuckDbMetadataStore.OpenAsync(path);

                // A new process starts with an empty heap: the grids of earlier rounds are not collected on its clock.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                watch.Restart();
                await store.GetStatusFingerprintAsync();
                fingerprints.Add(watch.Elapsed);
                var cache = new StatusGridCache();
                watch.Restart();
                var fromSnapshot = Planner.CreatePlan(graph, await cache.EvaluateAsync(graph, store, asOf), graph.Assets, PartitionRange.All);
                newProcess.Add(watch.Elapsed);
                if (cache.SnapshotHits != 1 || fromSnapshot.Steps.Count != plan.Steps.Count)
                {
                    throw new InvalidOperationException($"The plan from the snapshot differs: {cache.SnapshotHits} snapshot hits, {fromSnapshot.Steps.Count} steps instead of {plan.Steps.Count}.");
                }
            }

            var snapshotPlan = Median(newProcess);

            // Where a new process's time goes: decoding the snapshot's rows (allocations and collections beside it).
            var file = File.ReadAllBytes(path + ".grid");
            var payload = file.AsMemory(8 + BitConverter.ToInt32(file, 4)); // after the magic, the key's length and the key
            var decodes = new List<TimeSpan>();
            double decodeAllocated = 0, decodeGen0 = 0, decodeGen2 = 0;
            for (var i = 0; i < 3; i++)
            {
                GC.Collect();
                var gen0 = GC.CollectionCount(0);
                var gen2 = GC.CollectionCount(2);
                var allocated = GC.GetAllocatedBytesForCurrentThread();
                watch.Restart();
                _ = StatusGridSnapshotFormat.TryRead(graph, new PartitionSpace.Cache(asOf), asOf, payload)
                    ?? throw new InvalidOperationException("The snapshot file does not decode.");
                decodes.Add(watch.Elapsed);
                decodeAllocated += (GC.GetAllocatedBytesForCurrentThread() - allocated) / 3.0;
                decodeGen0 += (GC.CollectionCount(0) - gen0) / 3.0;
                decodeGen2 += (GC.CollectionCount(2) - gen2) / 3.0;
            }

            report.Note($"{graph.Assets.Count} assets x {states.Count / graph.Assets.Count} daily partitions = {states.Count} partitions; {plan.Steps.Count} stale steps planned");
            report.Figure("planning_store_read_ms", storeRead.TotalMilliseconds, "ms");
            report.Figure("planning_evaluate_ms", evaluate.TotalMilliseconds, "ms");
            report.Figure("planning_plan_ms", planning.TotalMilliseconds, "ms");
            report.Figure("planning_cold_total_ms", (storeRead + evaluate + planning).TotalMilliseconds, "ms");
            report.Figure("planning_store_close_ms", storeClose.TotalMilliseconds, "ms");
            report.Figure("planning_store_read_cpu_ms", storeReadCpu.TotalMilliseconds, "ms");
            report.Figure("planning_cold_total_cpu_ms", coldCpu.TotalMilliseconds, "ms");
            report.Figure("listed_path_store_read_states_ms", statesRead.TotalMilliseconds, "ms");
            report.Figure("listed_path_store_read_recorded_upstream_ms", (listedRead - statesRead).TotalMilliseconds, "ms");
            report.Figure("listed_path_evaluate_ms", listedEvaluate.TotalMilliseconds, "ms");
            report.Figure("listed_path_cold_total_ms", (listedRead + listedEvaluate + planning).TotalMilliseconds, "ms");
            report.Figure("planning_cold_vs_listed_path_ratio", (storeRead + evaluate + planning) / (listedRead + listedEvaluate + planning), "x");
            report.Figure("planning_again_read_and_evaluate_median_ms", Median(comparedAgain).TotalMilliseconds, "ms");
            report.Figure("listed_path_again_read_and_evaluate_median_ms", Median(listedAgain).TotalMilliseconds, "ms");
            report.Figure("planning_again_vs_listed_path_ratio", Median(comparedAgain) / Median(listedAgain), "x");
            report.Figure("raw_duckdb_select_same_rows_ms", raw.TotalMilliseconds, "ms");
            report.Figure("raw_duckdb_select_recorded_upstream_ms", rawRecorded.TotalMilliseconds, "ms");
            report.Figure("planning_warm_evaluate_and_plan_ms", warm.TotalMilliseconds, "ms");
            report.Figure("planning_status_fingerprint_ms", fingerprintOnly.TotalMilliseconds, "ms");
            report.Figure("planning_warm_unchanged_store_ms", warmCached.TotalMilliseconds, "ms");
            report.Figure("planning_cold_through_cache_with_snapshot_write_ms", coldThroughCache.TotalMilliseconds, "ms");
            report.Figure("planning_snapshot_bytes", snapshotBytes, "bytes");
            report.Figure("planning_new_process_fingerprint_ms", Median(fingerprints).TotalMilliseconds, "ms");
            report.Figure("planning_new_process_snapshot_fetch_ms", Median(fetches).TotalMilliseconds, "ms");
            report.Figure("planning_new_process_unchanged_store_ms", snapshotPlan.TotalMilliseconds, "ms");
            report.Figure("planning_snapshot_decode_ms", Median(decodes).TotalMilliseconds, "ms");
            report.Figure("planning_snapshot_decode_allocated_mb", decodeAllocated / 1e6, "MB");
            report.Figure("planning_snapshot_decode_gen0_collections", decodeGen0, "");
            report.Figure("planning_snapshot_decode_gen2_collections", decodeGen2, "");
            report.Figure("planning_new_process_unchanged_vs_cold_ratio", snapshotPlan / (storeRead + evaluate + planning), "x");
            report.Note($"planning_* reads states and compared reads (DuckDB joins each recorded version with the upstream's state); listed_path_* reads every recorded version into objects, as before (and as for PostgreSQL); both grids are checked equal");
            report.Note($"warm_evaluate_and_plan re-evaluates from rows in memory ({again.Steps.Count} steps); warm_unchanged_store is fingerprint + cached grid + plan");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>When every plan is evaluated: the partitions that exist then.</summary>
    internal static Instant AsOf { get; } = Instant.FromUtc(2026, 2, 1, 0, 0);

    /// <summary>The 200 daily assets.</summary>
    internal static AssetGraph Graph() => new AssetGraphBuilder().AddTypes(typeof(TwoHundredAssets)).Build();

    /// <summary>
    /// Writes the store at <paramref name="path"/> (setup, not measured): every partition published (the first
    /// <paramref name="days"/> of each asset), each having read the versions its upstream partitions have, except that one
    /// root partition was republished since with another version, so everything downstream of it is stale.
    /// </summary>
    internal static async Task<(List<PartitionState> States, Dictionary<AssetPartition, IReadOnlyList<UpstreamVersion>> Recorded)> WriteStoreAsync(AssetGraph graph, string path, int days)
    {
        var asOf = AsOf;
        var states = new List<PartitionState>();
        foreach (var asset in graph.Assets)
        {
            foreach (var key in asset.Partitions!.GetKeys(asOf).Take(days))
            {
                states.Add(new PartitionState(new AssetPartition(asset.Key, key), PartitionStatus.Published, null, MaterializationId.New(), "v1-" + key.Value, asset.CodeVersion, 1, asOf, asOf));
            }
        }

        var recorded = new Dictionary<AssetPartition, IReadOnlyList<UpstreamVersion>>();
        foreach (var state in states)
        {
            var read = new List<UpstreamVersion>();
            foreach (var (dependency, mapped) in graph.GetUpstreamPartitions(state.Partition, asOf))
            {
                read.AddRange(mapped.Keys.Select(k => new UpstreamVersion(dependency.Upstream, k, "v1-" + k!.Value.Value)));
            }

            recorded[state.Partition] = read;
        }

        // One root partition republished with another version: everything downstream of it goes stale.
        var changed = states.FindIndex(s => s.Partition.Asset.Value == "a000" && s.Partition.Partition!.Value.Value == "2016-06-15");
        states[changed] = states[changed] with { DataVersion = "v2" };

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using (var store = await DuckDbMetadataStore.OpenAsync(path))
        {
            await store.SetStatesAsync(states);
        }

        WriteRecordedUpstream(path, states, recorded);
        return (states, recorded);
    }

    /// <summary>
    /// Writes what each published partition's materialization read straight into the store's tables (setup, not
    /// measured): recording 730,000 materializations through the store would take minutes.
    /// </summary>
    internal static void WriteRecordedUpstream(string path, List<PartitionState> states, Dictionary<AssetPartition, IReadOnlyList<UpstreamVersion>> recorded)
    {
        using var connection = new DuckDBConnection($"Data Source={path}");
        connection.Open();
        using var appender = connection.CreateAppender("materialization_upstream");
        foreach (var state in states)
        {
            var ordinal = 0;
            foreach (var version in recorded[state.Partition])
            {
                appender.CreateRow()
                    .AppendValue(state.MaterializationId!.Value.Value)
                    .AppendValue(ordinal++)
                    .AppendValue(version.Asset.Value)
                    .AppendValue(version.Partition?.Value ?? string.Empty)
                    .AppendValue(version.DataVersion)
                    .AppendValue(Guid.ParseExact(state.MaterializationId!.Value.Value, "N"))
                    .EndRow();
            }
        }
    }

    /// <summary>The recorded-upstream rows through a plain DuckDB reader (the join the store runs, unordered).</summary>
    private static TimeSpan RawRecordedSelect(string path)
    {
        var watch = Stopwatch.StartNew();
        using var connection = new DuckDBConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT s.asset, s.partition, u.asset, u.partition, u.data_version FROM partition_states s JOIN materialization_upstream u ON u.materialization_id = s.materialization_id";
        using var reader = command.ExecuteReader();
        var rows = 0;
        while (reader.Read())
        {
            _ = (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4));
            rows++;
        }

        return watch.Elapsed;
    }

    /// <summary>CPU of the whole process (every thread, the runtime's included): on a loaded machine wall time says little.</summary>
    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>The snapshot file's bytes read in one go: the floor under reading it.</summary>
    private static TimeSpan RawSnapshotFetch(string path)
    {
        var watch = Stopwatch.StartNew();
        _ = File.ReadAllBytes(path + ".grid");
        return watch.Elapsed;
    }

    private static long SnapshotBytes(string path) => new FileInfo(path + ".grid").Length;

    /// <summary>The same rows through a plain DuckDB reader: the floor under any store read.</summary>
    private static TimeSpan RawSelect(string path)
    {
        var watch = Stopwatch.StartNew();
        using var connection = new DuckDBConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT asset, partition, status, cause, materialization_id, data_version, code_version, sequence, published_at, updated_at FROM partition_states";
        using var reader = command.ExecuteReader();
        var rows = 0;
        while (reader.Read())
        {
            _ = (reader.GetString(0), reader.GetString(1), reader.GetByte(2), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5));
            rows++;
        }

        return watch.Elapsed;
    }
}

using System.Diagnostics;
using Assets.Benchmarks.Synthetic;
using Assets.Graph;
using Assets.Metadata;
using Assets.Planning;
using Assets.Storage.Metadata;
using Assets.Storage.Metadata.Postgres;
using Npgsql;
using NodaTime;

namespace Assets.Benchmarks;

/// <summary>
/// What planning and <c>status</c> read from the store, side by side from DuckDB and PostgreSQL: 200 assets x 3,650
/// daily partitions (365 with --quick), each with the upstream versions its materialization read. Needs a PostgreSQL
/// server: set <c>ASSETS_BENCH_POSTGRES</c> to a connection string (the benchmark works in a schema of its own and drops
/// it afterwards).
/// </summary>
public sealed class SharedStoreReadBenchmark : IBenchmark
{
    public string Name => "shared-store-read";

    public async Task RunAsync(bool quick, Report report)
    {
        if (Environment.GetEnvironmentVariable("ASSETS_BENCH_POSTGRES") is not { Length: > 0 } server)
        {
            report.Note("shared-store-read skipped: set ASSETS_BENCH_POSTGRES to a PostgreSQL connection string");
            return;
        }

        var graph = new AssetGraphBuilder().AddTypes(typeof(TwoHundredAssets)).Build();
        var asOf = Instant.FromUtc(2026, 2, 1, 0, 0);
        var days = quick ? 365 : int.MaxValue;
        var states = new List<PartitionState>();
        var records = new List<MaterializationRecord>();
        foreach (var asset in graph.Assets)
        {
            foreach (var key in asset.Partitions!.GetKeys(asOf).Take(days))
            {
                var partition = new AssetPartition(asset.Key, key);
                var id = MaterializationId.New();
                states.Add(new PartitionState(partition, PartitionStatus.Published, null, id, "v1-" + key.Value, asset.CodeVersion, 1, asOf, asOf));
                var read = graph.GetUpstreamPartitions(partition, asOf)
                    .SelectMany(u => u.Partitions.Keys.Select(k => new UpstreamVersion(u.Dependency.Upstream, k, "v1-" + k!.Value.Value)))
                    .ToList();
                records.Add(new MaterializationRecord(partition, id, RunId.New(), "v1-" + key.Value, asset.CodeVersion, 1, 1, "m", read, asOf, asOf, 1));
            }
        }

        var schema = "bench_" + Guid.NewGuid().ToString("N");
        var admin = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Parse(server).ConnectionString) { Pooling = false };
        await ExecuteAsync(admin.ConnectionString, $"CREATE SCHEMA {schema}");
        var shared = new NpgsqlConnectionStringBuilder(admin.ConnectionString) { SearchPath = schema, Pooling = true }.ConnectionString;
        var folder = Path.Combine(Path.GetTempPath(), "assets-bench-shared-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var duck = await DuckDbMetadataStore.OpenAsync(Path.Combine(folder, "meta.duckdb")))
            await using (var pg = await PostgresMetadataStore.OpenAsync(shared, SystemClock.Instance))
            {
                await duck.SetStatesAsync(states);
                await pg.SetStatesAsync(states);
                foreach (var chunk in records.Chunk(5000))
                {
                    foreach (var record in chunk)
                    {
                        await duck.RecordMaterializationAsync(record);
                    }

                    await pg.RecordMaterializationsForBenchmarkAsync(chunk);
                }
            }

            // Each read on a freshly opened store, as a command does.
            var duckRead = await MeasureAsync(() => DuckDbMetadataStore.OpenAsync(Path.Combine(folder, "meta.duckdb")));
            var pgRead = await MeasureAsync(async () => await PostgresMetadataStore.OpenAsync(shared, SystemClock.Instance));
            report.Note($"{states.Count} asset-partitions, {records.Sum(r => r.Upstream.Count)} recorded upstream versions");
            foreach (var (name, duckMs, pgMs) in new[] { ("states", duckRead.States, pgRead.States), ("recorded_upstream", duckRead.Recorded, pgRead.Recorded), ("fingerprint", duckRead.Fingerprint, pgRead.Fingerprint) })
            {
                report.Figure($"shared_store_{name}_duckdb_ms", duckMs, "ms");
                report.Figure($"shared_store_{name}_postgres_ms", pgMs, "ms");
            }

            var grid = StatusEvaluator.Evaluate(graph, duckRead.Rows, duckRead.Upstream, asOf);
            var pgGrid = StatusEvaluator.Evaluate(graph, pgRead.Rows, pgRead.Upstream, asOf);
            if (Planner.CreatePlan(graph, grid, graph.Assets, PartitionRange.All).Steps.Count != Planner.CreatePlan(graph, pgGrid, graph.Assets, PartitionRange.All).Steps.Count)
            {
                throw new InvalidOperationException("The two stores gave different plans.");
            }
        }
        finally
        {
            await ExecuteAsync(admin.ConnectionString, $"DROP SCHEMA {schema} CASCADE");
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private sealed record Reads(double States, double Recorded, double Fingerprint, IReadOnlyList<PartitionState> Rows, IReadOnlyDictionary<AssetPartition, IReadOnlyList<UpstreamVersion>> Upstream);

    private static async Task<Reads> MeasureAsync<TStore>(Func<Task<TStore>> open)
        where TStore : IMetadataStore
    {
        var store = await open();
        await using (store)
        {
            var watch = Stopwatch.StartNew();
            var rows = await store.GetStatesAsync();
            var states = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            var upstream = await store.GetRecordedUpstreamAsync();
            var recorded = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            await store.GetStatusFingerprintAsync();
            return new Reads(states, recorded, watch.Elapsed.TotalMilliseconds, rows, upstream);
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

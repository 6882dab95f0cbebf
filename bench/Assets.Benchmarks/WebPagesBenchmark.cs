using System.Diagnostics;
using Assets.Benchmarks.Synthetic;
using Assets.Graph;
using Assets.Hosting.Web;
using Assets.Metadata;
using Assets.Planning;
using Assets.Storage.Metadata;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;

namespace Assets.Benchmarks;

/// <summary>
/// The web UI's pages with 200 assets x 3,650 daily partitions in the DuckDB store, rendered as the daemon renders them
/// (the same page code, without HTTP): the catalog and an asset page cold (the first request after start evaluates the
/// grid) and warm (the daemon's cached grid, checked by the store's status fingerprint), an asset page right after one
/// partition changed, the partition drawer and the lineage document. Beside them, the fingerprint query alone: the
/// floor of a warm page.
/// </summary>
public sealed class WebPagesBenchmark : IBenchmark
{
    public string Name => "web";

    public async Task RunAsync(bool quick, Report report)
    {
        var graph = new AssetGraphBuilder().AddTypes(typeof(TwoHundredAssets)).Build();
        var asOf = Instant.FromUtc(2026, 2, 1, 0, 0);
        var days = quick ? 365 : int.MaxValue;
        var states = new List<PartitionState>();
        var recorded = new Dictionary<AssetPartition, IReadOnlyList<UpstreamVersion>>();
        foreach (var asset in graph.Assets)
        {
            foreach (var key in asset.Partitions!.GetKeys(asOf).Take(days))
            {
                var state = new PartitionState(new AssetPartition(asset.Key, key), PartitionStatus.Published, null, MaterializationId.New(), "v1-" + key.Value, asset.CodeVersion, 1, asOf, asOf);
                states.Add(state);
                recorded[state.Partition] = [.. graph.GetUpstreamPartitions(state.Partition, asOf)
                    .SelectMany(u => u.Partitions.Keys.Select(k => new UpstreamVersion(u.Dependency.Upstream, k, "v1-" + k!.Value.Value)))];
            }
        }

        // A failed day in the middle of one asset, so its bar has ranges to draw.
        var failed = states.FindIndex(s => s.Partition.Asset.Value == "a100" && s.Partition.Partition!.Value.Value == "2020-03-01");
        states[failed] = states[failed] with { Status = PartitionStatus.Failed, Cause = "the export was truncated" };

        var folder = Path.Combine(Path.GetTempPath(), "assets-bench-web-" + Guid.NewGuid().ToString("N"));
        var path = Path.Combine(folder, "meta.duckdb");
        try
        {
            await using (var store = await DuckDbMetadataStore.OpenAsync(path))
            {
                await store.SetStatesAsync(states);
            }

            PlanningBenchmark.WriteRecordedUpstream(path, states, recorded);
            await using var metadata = await DuckDbMetadataStore.OpenAsync(path);
            var services = new ServiceCollection()
                .AddSingleton(graph)
                .AddSingleton(new Assets.Hosting.AssetsClock(new FakeClock(asOf)))
                .AddSingleton<StatusGridCache>()
                .BuildServiceProvider();
            var data = new WebData(services, null, _ => Task.FromResult<IMetadataStore>(metadata));
            var key = graph.Assets[100].Key.Value;

            var (catalogCold, catalogBytes) = await TimeAsync(() => CatalogPage.RenderAsync(data, null, null, default));
            var (catalogWarm, _) = await TimeAsync(() => CatalogPage.RenderAsync(data, null, null, default));
            var (assetWarm, assetBytes) = await TimeAsync(() => AssetPage.RenderAsync(data, key, default));
            var (drawer, _) = await TimeAsync(() => PartitionDrawer.RenderAsync(data, key, "2020-03-01", default));
            var watch = Stopwatch.StartNew();
            var lineage = await LineagePage.JsonAsync(data, null, default);
            var lineageTime = watch.Elapsed;
            watch.Restart();
            await metadata.GetStatusFingerprintAsync();
            var fingerprint = watch.Elapsed;

            // One partition republished: the next page evaluates the grid again.
            var changed = states.First(s => s.Partition.Asset.Value == "a000");
            await metadata.SetStatesAsync([changed with { DataVersion = "v2", UpdatedAt = asOf + Duration.FromSeconds(1) }]);
            var (assetAfterChange, _) = await TimeAsync(() => AssetPage.RenderAsync(data, key, default));

            report.Note($"{graph.Assets.Count} assets x {states.Count / graph.Assets.Count} daily partitions = {states.Count} partitions in DuckDB");
            report.Figure("web_catalog_cold_ms", catalogCold.TotalMilliseconds, "ms");
            report.Figure("web_catalog_warm_ms", catalogWarm.TotalMilliseconds, "ms");
            report.Figure("web_catalog_bytes", catalogBytes, "bytes");
            report.Figure("web_asset_page_warm_ms", assetWarm.TotalMilliseconds, "ms");
            report.Figure("web_asset_page_bytes", assetBytes, "bytes");
            report.Figure("web_asset_page_after_a_change_ms", assetAfterChange.TotalMilliseconds, "ms");
            report.Figure("web_partition_drawer_warm_ms", drawer.TotalMilliseconds, "ms");
            report.Figure("web_lineage_json_warm_ms", lineageTime.TotalMilliseconds, "ms");
            report.Figure("web_lineage_json_bytes", lineage.Length, "bytes");
            report.Figure("raw_status_fingerprint_ms", fingerprint.TotalMilliseconds, "ms");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(TimeSpan Took, int Bytes)> TimeAsync(Func<Task<Html>> render)
    {
        var watch = Stopwatch.StartNew();
        var html = await render();
        return (watch.Elapsed, html.Value.Length);
    }
}

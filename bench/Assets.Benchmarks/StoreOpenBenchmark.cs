using System.Diagnostics;
using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using Assets.Storage.Maintenance;
using Assets.Storage.Metadata;
using Assets.Storage.Objects.Local;
using Assets.Storage.Publishing;
using NodaTime;

namespace Assets.Benchmarks;

/// <summary>
/// Opening the store (DuckDB metadata store + reconciliation with the root's pointers) on a root of 100 and of
/// 20,000 published hourly partitions (2,000 with --quick), published an hour before: what every command pays
/// before it does anything. The figure is what opening does now (reconcile what changed since the last
/// reconciliation); beside it, a full reconciliation (every pointer read: what every open did before, and what
/// <c>verify --reconcile</c> does). Then one pointer is republished behind the store's back and the next open
/// must find it. Medians of 3.
/// </summary>
public sealed class StoreOpenBenchmark : IBenchmark
{
    public string Name => "store-open";

    public async Task RunAsync(bool quick, Report report)
    {
        var large = quick ? 2000 : 20000;
        var folder = Path.Combine(Path.GetTempPath(), "assets-bench-open-" + Guid.NewGuid().ToString("N"));
        try
        {
            var small = await MeasureAsync(Path.Combine(folder, "small"), 100);
            var big = await MeasureAsync(Path.Combine(folder, "large"), large);
            report.Note($"store open on 100 and {large} published hourly partitions (local root), medians of 3");
            report.Figure("store_open_incremental_100_ms", small.Incremental.TotalMilliseconds, "ms");
            report.Figure($"store_open_incremental_{large}_ms", big.Incremental.TotalMilliseconds, "ms");
            report.Figure("store_open_incremental_ratio", big.Incremental / small.Incremental, "x");
            report.Figure("store_open_full_reconcile_100_ms", small.Full.TotalMilliseconds, "ms");
            report.Figure($"store_open_full_reconcile_{large}_ms", big.Full.TotalMilliseconds, "ms");
            report.Figure("store_open_full_reconcile_ratio", big.Full / small.Full, "x");
            report.Figure($"store_open_after_change_behind_back_{large}_ms", big.AfterChange.TotalMilliseconds, "ms");
            report.Note("where an incremental open's time goes (medians of 3): opening and closing the DuckDB file, listing the pointers, reading the states");
            foreach (var (size, parts) in new[] { (100, small.Parts), (large, big.Parts) })
            {
                report.Figure($"store_open_part_duckdb_open_close_{size}_ms", parts.OpenClose.TotalMilliseconds, "ms");
                report.Figure($"store_open_part_list_pointers_{size}_ms", parts.List.TotalMilliseconds, "ms");
                report.Figure($"store_open_part_read_states_{size}_ms", parts.ReadStates.TotalMilliseconds, "ms");
                report.Figure($"store_open_part_raw_enumerate_with_times_{size}_ms", parts.RawEnumerate.TotalMilliseconds, "ms");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(TimeSpan Incremental, TimeSpan Full, TimeSpan AfterChange, (TimeSpan OpenClose, TimeSpan List, TimeSpan ReadStates, TimeSpan RawEnumerate) Parts)> MeasureAsync(string folder, int partitions)
    {
        var root = Path.Combine(folder, "root");
        var metadataPath = Path.Combine(folder, "meta.duckdb");
        var pointers = WriteRoot(root, partitions);
        var store = new LocalObjectStore(root);
        await OpenAsync(store, metadataPath, full: true);

        var incremental = new List<TimeSpan>();
        var full = new List<TimeSpan>();
        var (openClose, list, readStates, raw) = (new List<TimeSpan>(), new List<TimeSpan>(), new List<TimeSpan>(), new List<TimeSpan>());
        for (var i = 0; i < 3; i++)
        {
            incremental.Add(await OpenAsync(store, metadataPath, full: false));
            full.Add(await OpenAsync(store, metadataPath, full: true));
            var watch = Stopwatch.StartNew();
            await using (var metadata = await DuckDbMetadataStore.OpenAsync(metadataPath))
            {
                openClose.Add(watch.Elapsed);
                watch.Restart();
                await metadata.GetStatesAsync();
                readStates.Add(watch.Elapsed);
                watch.Restart();
            }

            openClose[^1] += watch.Elapsed;
            watch.Restart();
            var listed = 0;
            await foreach (var entry in store.ListAsync(StorageLayout.CurrentFolder + "/"))
            {
                _ = StorageLayout.PartitionOfPointer(entry.Key);
                listed++;
            }

            list.Add(watch.Elapsed);
            watch.Restart();
            foreach (var file in new DirectoryInfo(Path.Combine(root, StorageLayout.CurrentFolder)).EnumerateFiles("*", SearchOption.AllDirectories))
            {
                _ = file.LastWriteTimeUtc;
            }

            raw.Add(watch.Elapsed);
        }

        // Republish one partition by hand (as another tool would): the next open must record it.
        var (partition, pointerPath) = pointers[partitions / 2];
        var (id, manifest) = WriteManifest(root, partition, "changed");
        File.WriteAllBytes(pointerPath, ManifestJson.WritePointer(new PartitionPointer(manifest, id, "changed", 2, SystemClock.Instance.GetCurrentInstant())));
        var afterChange = await OpenAsync(store, metadataPath, full: false);
        await using (var metadata = await DuckDbMetadataStore.OpenAsync(metadataPath))
        {
            if ((await metadata.GetStateAsync(partition))?.DataVersion != "changed")
            {
                throw new InvalidOperationException("The open did not find the pointer republished behind its back.");
            }
        }

        return (Median(incremental), Median(full), afterChange, (Median(openClose), Median(list), Median(readStates), Median(raw)));
    }

    private static async Task<TimeSpan> OpenAsync(LocalObjectStore store, string metadataPath, bool full)
    {
        var watch = Stopwatch.StartNew();
        await using (var metadata = await DuckDbMetadataStore.OpenAsync(metadataPath))
        {
            var reconciler = new PointerReconciler(store, metadata, SystemClock.Instance);
            await (full ? reconciler.ReconcileAsync() : reconciler.ReconcileChangesAsync());
        }

        return watch.Elapsed;
    }

    /// <summary>Pointers and manifests written straight to the folder (setup, not measured), stamped an hour ago like an earlier run's.</summary>
    private static List<(AssetPartition Partition, string PointerPath)> WriteRoot(string root, int partitions)
    {
        var asset = AssetKey.Parse("bench/hourly");
        var start = Instant.FromUtc(2024, 1, 1, 0, 0);
        var anHourAgo = DateTime.UtcNow.AddHours(-1);
        var pointers = new List<(AssetPartition, string)>(partitions);
        for (var i = 0; i < partitions; i++)
        {
            var partition = new AssetPartition(asset, new PartitionKey(start.Plus(Duration.FromHours(i)).InUtc().ToString("yyyy-MM-dd-HH:mm", null)));
            var (id, manifest) = WriteManifest(root, partition, "v1-" + i);
            var path = Path.Combine(root, StorageLayout.PointerOf(partition).Value);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, ManifestJson.WritePointer(new PartitionPointer(manifest, id, "v1-" + i, 1, start)));
            File.SetLastWriteTimeUtc(path, anHourAgo);
            pointers.Add((partition, path));
        }

        return pointers;
    }

    private static (MaterializationId Id, string ManifestKey) WriteManifest(string root, AssetPartition partition, string dataVersion)
    {
        var id = MaterializationId.New();
        var key = StorageLayout.ManifestOf(partition, id);
        var path = Path.Combine(root, key.Value);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, ManifestJson.WriteManifest(new Manifest
        {
            Partition = partition,
            MaterializationId = id,
            RunId = RunId.New(),
            Files = [],
            DataVersion = dataVersion,
            CodeVersion = "1",
            CreatedAt = Instant.FromUtc(2024, 1, 1, 0, 0),
        }));
        return (id, key.Value);
    }

    private static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);
}

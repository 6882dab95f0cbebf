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
/// before it does anything. Three opens side by side: after a clean close (what nearly every command meets: the index
/// is trusted, nothing listed), after an unclean one (the previous process opened the store as a command does and was
/// killed: its pointer-write log is read, nothing listed), and a full reconciliation (every pointer read: what every
/// open did before issue 14, and what <c>verify --reconcile</c> does). Then a killed process republishes one partition
/// (its pointer logged and written, its record lost) and the open after it must find it. Medians of 3.
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
            foreach (var (name, pick) in new (string, Func<Measured, TimeSpan>)[] { ("after_clean_close", m => m.Clean), ("after_unclean_close", m => m.Unclean), ("full_reconcile", m => m.Full) })
            {
                report.Figure($"store_open_{name}_100_ms", pick(small).TotalMilliseconds, "ms");
                report.Figure($"store_open_{name}_{large}_ms", pick(big).TotalMilliseconds, "ms");
                report.Figure($"store_open_{name}_ratio", pick(big) / pick(small), "x");
            }

            report.Figure($"store_open_after_lost_record_unclean_{large}_ms", big.AfterChange.TotalMilliseconds, "ms");
            report.Note("where an open's time goes (medians of 3): opening and closing the DuckDB file (all a clean-close open does); listing the pointers and reading the states (what an unclean one adds)");
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

    private sealed record Measured(TimeSpan Clean, TimeSpan Unclean, TimeSpan Full, TimeSpan AfterChange, (TimeSpan OpenClose, TimeSpan List, TimeSpan ReadStates, TimeSpan RawEnumerate) Parts);

    private enum Open
    {
        AfterCleanClose,
        AfterUncleanClose,
        Full,
    }

    private static async Task<Measured> MeasureAsync(string folder, int partitions)
    {
        var root = Path.Combine(folder, "root");
        var metadataPath = Path.Combine(folder, "meta.duckdb");
        var pointers = WriteRoot(root, AssetKey.Parse("bench/hourly"), partitions, "1");
        var store = new LocalObjectStore(root);
        await OpenAsync(store, metadataPath, Open.Full);
        await OpenAsync(store, metadataPath, Open.AfterCleanClose);

        var (clean, unclean, full) = (new List<TimeSpan>(), new List<TimeSpan>(), new List<TimeSpan>());
        var (openClose, list, readStates, raw) = (new List<TimeSpan>(), new List<TimeSpan>(), new List<TimeSpan>(), new List<TimeSpan>());
        for (var i = 0; i < 3; i++)
        {
            clean.Add(await OpenAsync(store, metadataPath, Open.AfterCleanClose));
            await LeaveOpenAsIfKilledAsync(store, metadataPath);
            unclean.Add(await OpenAsync(store, metadataPath, Open.AfterUncleanClose));
            full.Add(await OpenAsync(store, metadataPath, Open.Full));
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

        // A process republishes one partition (its pointer logged, then written, as a publish does) and is killed before its
        // record is committed: the next open must record it.
        var (partition, pointerPath) = pointers[partitions / 2];
        await LeaveOpenAsIfKilledAsync(store, metadataPath, metadata =>
        {
            var (id, manifest) = WriteManifest(root, partition, "changed", "1");
            metadata.BeginPointerWrite(partition);
            DiskFlush.Flush(metadata.PointerWriteLogPath!, isFolder: false);
            File.WriteAllBytes(pointerPath, ManifestJson.WritePointer(new PartitionPointer(manifest, id, "changed", 2, SystemClock.Instance.GetCurrentInstant())));
        });
        var afterChange = await OpenAsync(store, metadataPath, Open.AfterUncleanClose);
        await using (var metadata = await DuckDbMetadataStore.OpenAsync(metadataPath))
        {
            if ((await metadata.GetStateAsync(partition))?.DataVersion != "changed")
            {
                throw new InvalidOperationException("The open did not find the pointer republished behind its back.");
            }
        }

        return new Measured(Median(clean), Median(unclean), Median(full), afterChange, (Median(openClose), Median(list), Median(readStates), Median(raw)));
    }

    /// <summary>Opens the store and reconciles it as a command does (or in full), then closes it cleanly.</summary>
    private static async Task<TimeSpan> OpenAsync(LocalObjectStore store, string metadataPath, Open open)
    {
        var watch = Stopwatch.StartNew();
        await using (var metadata = await DuckDbMetadataStore.OpenAsync(metadataPath))
        {
            var reconciler = new PointerReconciler(store, metadata, SystemClock.Instance);
            var report = await (open == Open.Full ? reconciler.ReconcileAsync() : reconciler.ReconcileChangesAsync());
            if (report.IndexTrusted != (open == Open.AfterCleanClose) || report.FromPointerWriteLog != (open == Open.AfterUncleanClose))
            {
                throw new InvalidOperationException($"An open {open} {(report.IndexTrusted ? "trusted" : "did not trust")} the index{(report.FromPointerWriteLog ? " and read the pointer-write log" : "")}.");
            }
        }

        return watch.Elapsed;
    }

    /// <summary>
    /// Setup, not measured: a process opens the store as a command does (reconciling it, which starts its pointer-write
    /// log), does <paramref name="work"/>, and dies holding it, so the next open finds its session open.
    /// </summary>
    internal static async Task LeaveOpenAsIfKilledAsync(LocalObjectStore store, string metadataPath, Action<DuckDbMetadataStore>? work = null)
    {
        var metadata = await DuckDbMetadataStore.OpenAsync(metadataPath);
        await new PointerReconciler(store, metadata, SystemClock.Instance).ReconcileChangesAsync();
        work?.Invoke(metadata);
        await metadata.SimulateCrashAsync();
    }

    /// <summary>Pointers and manifests written straight to the folder (setup, not measured), stamped an hour ago like an earlier run's.</summary>
    internal static List<(AssetPartition Partition, string PointerPath)> WriteRoot(string root, AssetKey asset, int partitions, string codeVersion)
    {
        var start = Instant.FromUtc(2024, 1, 1, 0, 0);
        var anHourAgo = DateTime.UtcNow.AddHours(-1);
        var pointers = new List<(AssetPartition, string)>(partitions);
        for (var i = 0; i < partitions; i++)
        {
            var partition = new AssetPartition(asset, new PartitionKey(start.Plus(Duration.FromHours(i)).InUtc().ToString("yyyy-MM-dd-HH:mm", null)));
            var (id, manifest) = WriteManifest(root, partition, "v1-" + i, codeVersion);
            var path = Path.Combine(root, StorageLayout.PointerOf(partition).Value);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, ManifestJson.WritePointer(new PartitionPointer(manifest, id, "v1-" + i, 1, start)));
            File.SetLastWriteTimeUtc(path, anHourAgo);
            pointers.Add((partition, path));
        }

        return pointers;
    }

    private static (MaterializationId Id, string ManifestKey) WriteManifest(string root, AssetPartition partition, string dataVersion, string codeVersion)
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
            CodeVersion = codeVersion,
            CreatedAt = Instant.FromUtc(2024, 1, 1, 0, 0),
        }));
        return (id, key.Value);
    }

    private static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);
}

using System.Diagnostics;
using Assets.Execution;
using Assets.Graph;
using Assets.Partitions;
using Assets.Storage.Metadata;
using Assets.Storage.Objects;
using Assets.Storage.Objects.Local;
using Assets.Storage.Parquet;
using Assets.Storage.Publishing;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Assets.Benchmarks;

public sealed record SmallRow
{
    public string Id { get; init; } = "";

    public long Quantity { get; init; }

    public decimal Amount { get; init; }
}

/// <summary>A trivial asset for the executor figure: every partition returns the same 50 rows.</summary>
public static class SmallPartitionAssets
{
    internal static SmallRow[] Rows { get; set; } = [];

    [Asset(KeyPrefix = "bench", CodeVersion = "1")]
    [DailyPartitions("2020-01-01")]
    public static IReadOnlyList<SmallRow> Small() => Rows;
}

/// <summary>
/// The figure: per-partition framework overhead on a local root for 2,000 tiny partitions (200 with
/// --quick), against the raw cost of the same Parquet bytes written to a temp file, fsynced and renamed into
/// place. Two framework paths, each on a fresh root and metadata store: the publish protocol driven directly
/// (<see cref="PartitionPublisher"/>: lease, stage, manifest, pointer compare-and-swap, metadata records), and
/// what a user pays through <see cref="AssetExecutor"/> with a trivial asset body, one step at a time so it
/// compares with the sequential raw loop. Times include committing the metadata store's pending writes. Every path runs
/// on some partitions first (warm-up), and CPU time is printed beside wall time, with the executor's first-chance
/// exceptions and allocated bytes. overhead = framework - raw, per partition.
/// </summary>
public sealed class SmallPartitionPublishBenchmark : IBenchmark
{
    public string Name => "publish-small";

    public async Task RunAsync(bool quick, Report report)
    {
        var partitions = quick ? 200 : 2000;
        const int RowsPerPartition = 50;
        var warmUpPartitions = quick ? 100 : 200;
        var folder = Path.Combine(Path.GetTempPath(), "assets-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var rows = Enumerable.Range(0, RowsPerPartition).Select(i => new SmallRow { Id = $"R-{i:D4}", Quantity = i % 5 + 1, Amount = i * 1.25m }).ToArray();

            // Every path on some partitions first, so the figures do not include compiling the code (the JIT, and its second,
            // optimizing tier after 30 calls) and the first path measured is not the slowest for that reason alone.
            await RawAsync(Path.Combine(folder, "warm", "raw"), warmUpPartitions, rows);
            await FrameworkAsync(new LocalObjectStore(Path.Combine(folder, "warm", "root")), Path.Combine(folder, "warm", "meta.duckdb"), Path.Combine(folder, "warm", "staging"), warmUpPartitions, rows);
            await ExecutorAsync(Path.Combine(folder, "warm", "executor"), warmUpPartitions, rows);

            // CPU beside wall time: on a shared machine the wall time of the framework's work stretches with the load while the
            // raw loop mostly waits for the disk, so the CPU each costs is the steadier figure of the framework's own work.
            var cpu = Cpu();
            var raw = await RawAsync(Path.Combine(folder, "raw"), partitions, rows);
            var rawCpu = Cpu() - cpu;
            var store = new LocalObjectStore(Path.Combine(folder, "root"));
            cpu = Cpu();
            var (framework, bytes) = await FrameworkAsync(store, Path.Combine(folder, "meta.duckdb"), Path.Combine(folder, "staging"), partitions, rows);
            var frameworkCpu = Cpu() - cpu;

            // Exceptions thrown and caught on the way (a missing file probed by opening it, a cancelled delay) cost
            // tens of microseconds each and hide real errors in a debugger: a normal run of tiny partitions throws none.
            var exceptions = 0;
            void Count(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e) => Interlocked.Increment(ref exceptions);
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            AppDomain.CurrentDomain.FirstChanceException += Count;
            TimeSpan executor;
            cpu = Cpu();
            try
            {
                executor = await ExecutorAsync(Path.Combine(folder, "executor"), partitions, rows);
            }
            finally
            {
                AppDomain.CurrentDomain.FirstChanceException -= Count;
            }

            var executorCpu = Cpu() - cpu;

            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            report.Note($"{partitions} partitions of {RowsPerPartition} rows on a local root ({Path.GetTempPath()}), after a warm-up of {warmUpPartitions}");
            report.Figure("publish_small_local_per_partition", framework.TotalMilliseconds / partitions, "ms");
            report.Figure("executor_small_local_per_partition", executor.TotalMilliseconds / partitions, "ms");
            report.Figure("raw_write_fsync_rename_per_partition", raw.TotalMilliseconds / partitions, "ms");
            report.Figure("publish_small_local_overhead_per_partition", (framework - raw).TotalMilliseconds / partitions, "ms");
            report.Figure("executor_small_local_overhead_per_partition", (executor - raw).TotalMilliseconds / partitions, "ms");
            report.Figure("publish_small_local_ratio", framework / raw, "x");
            report.Figure("executor_small_local_ratio", executor / raw, "x");
            report.Figure("raw_write_fsync_rename_cpu_per_partition", rawCpu.TotalMilliseconds / partitions, "ms");
            report.Figure("publish_small_local_cpu_per_partition", frameworkCpu.TotalMilliseconds / partitions, "ms");
            report.Figure("executor_small_local_cpu_per_partition", executorCpu.TotalMilliseconds / partitions, "ms");
            report.Figure("publish_small_local_bytes", bytes, "bytes");
            report.Figure("executor_small_local_exceptions_per_run", exceptions, "first-chance exceptions");
            report.Figure("executor_small_local_allocated_per_partition", allocated / 1024.0 / partitions, "KiB");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>CPU time of the whole process so far (user and kernel; the runtime's own threads included).</summary>
    private static TimeSpan Cpu() => System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;

    /// <summary>
    /// Materializes <paramref name="partitions"/> daily partitions of <see cref="SmallPartitionAssets.Small"/> through
    /// the executor and the storage materialization store, one step at a time; the time includes the run's events
    /// and committing the metadata store.
    /// </summary>
    public static async Task<TimeSpan> ExecutorAsync(string folder, int partitions, SmallRow[] rows)
    {
        SmallPartitionAssets.Rows = rows;
        var graph = new AssetGraphBuilder().AddTypes(typeof(SmallPartitionAssets)).Build();
        var start = new LocalDate(2020, 1, 1);
        var asset = AssetKey.Parse("bench/small");
        var steps = Enumerable.Range(0, partitions)
            .Select(i => new ExecutionStep(new AssetPartition(asset, new PartitionKey(start.PlusDays(i).ToString("yyyy-MM-dd", null))), []))
            .ToArray();
        await using var metadata = await DuckDbMetadataStore.OpenAsync(Path.Combine(folder, "meta.duckdb"));
        var store = new StorageMaterializationStore(
            new LocalObjectStore(Path.Combine(folder, "root")), metadata, SystemClock.Instance, new PublisherOptions { StagingDirectory = Path.Combine(folder, "staging") });
        var executor = new AssetExecutor(graph, store, metadata, new NoServices(), SystemClock.Instance, NullLoggerFactory.Instance, new ExecutionOptions { MaxParallelism = 1 });
        var watch = Stopwatch.StartNew();
        var summary = await executor.RunAsync(steps, RunId.New());
        await metadata.FlushAsync();
        watch.Stop();
        if (summary.Steps.Any(s => s.Outcome != StepOutcome.Published))
        {
            throw new InvalidOperationException("A benchmark step did not publish: " + summary.Describe());
        }

        return watch.Elapsed;
    }

    /// <summary>The whole protocol for each partition; returns the time and the bytes written under the root.</summary>
    public static async Task<(TimeSpan Elapsed, long Bytes)> FrameworkAsync(IObjectStore store, string metadataPath, string staging, int partitions, SmallRow[] rows)
    {
        await using var metadata = await DuckDbMetadataStore.OpenAsync(metadataPath);
        var publisher = new PartitionPublisher(store, metadata, SystemClock.Instance, new PublisherOptions { StagingDirectory = staging });
        var start = new LocalDate(2020, 1, 1);
        var run = RunId.New();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < partitions; i++)
        {
            var partition = new AssetPartition(AssetKey.Parse("bench/small"), new PartitionKey(start.PlusDays(i).ToString("yyyy-MM-dd", null)));
            await using var publication = await publisher.BeginAsync(partition, run);
            await publication.StageFileAsync(async (stream, ct) => (await ParquetRecordFormat.WriteAsync(rows, stream, cancellationToken: ct)).Rows);
            await publication.WriteManifestAsync("1", [], null, ParquetRecordFormat.DescribeSchema(typeof(SmallRow)));
            await publication.PublishAsync();
        }

        await metadata.FlushAsync();
        watch.Stop();
        long bytes = 0;
        await foreach (var entry in store.ListAsync(string.Empty))
        {
            bytes += entry.Size;
        }

        return (watch.Elapsed, bytes);
    }

    /// <summary>The same Parquet bytes per partition, written to a temp file, fsynced and renamed: what any careful writer pays.</summary>
    private static async Task<TimeSpan> RawAsync(string folder, int partitions, SmallRow[] rows)
    {
        Directory.CreateDirectory(folder);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < partitions; i++)
        {
            var temp = Path.Combine(folder, $"{i}.tmp");
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await ParquetRecordFormat.WriteAsync(rows, file);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, Path.Combine(folder, $"{i}.parquet"));
        }

        return watch.Elapsed;
    }

    /// <summary>No services: the trivial asset takes none.</summary>
    private sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}

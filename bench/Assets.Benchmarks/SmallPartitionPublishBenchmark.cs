using System.Diagnostics;
using Assets.Execution;
using Assets.Graph;
using Assets.Partitions;
using Assets.Storage.Maintenance;
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
/// place. Three framework paths, each on a fresh root and metadata store: the publish protocol driven directly
/// (<see cref="PartitionPublisher"/>: lease, stage, manifest, pointer compare-and-swap, metadata records), one partition
/// at a time; and what a user pays through <see cref="AssetExecutor"/> with a trivial asset body, once one step at a time
/// (beside the sequential raw loop) and once <see cref="ParallelSteps"/> steps at a time (beside as many raw writers, each
/// writing its share one file after another), where concurrent publications share their flushes; and the sequential
/// executor once more on a metadata store already holding the states of many other partitions. Times include
/// committing the metadata store's pending writes. Every path runs on some partitions first (warm-up), and CPU time
/// (of the whole process, over the same interval as the wall time) is printed beside wall time, with the sequential
/// executor's first-chance exceptions and allocated bytes. overhead = framework - raw, per partition.
/// </summary>
public sealed class SmallPartitionPublishBenchmark : IBenchmark
{
    /// <summary>How many steps the parallel figures run at once (the CLI's <c>--parallel</c>), and how many raw writers they compare with.</summary>
    public const int ParallelSteps = 8;

    public string Name => "publish-small";

    /// <summary>The most warm-up rounds before measuring, however much the JIT still compiles.</summary>
    private const int MaxWarmUpRounds = 6;

    /// <summary>A warm-up round that compiles fewer methods than this leaves the JIT quiet enough to measure.</summary>
    private const int QuietJitMethods = 150;

    public async Task RunAsync(bool quick, Report report)
    {
        var partitions = quick ? 200 : 2000;
        const int RowsPerPartition = 50;
        var warmUpPartitions = quick ? 100 : 200;
        var folder = Path.Combine(Path.GetTempPath(), "assets-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var rows = Enumerable.Range(0, RowsPerPartition).Select(i => new SmallRow { Id = $"R-{i:D4}", Quantity = i % 5 + 1, Amount = i * 1.25m }).ToArray();

            // Every path on some partitions first, so the figures do not include compiling the code: the JIT, and its
            // optimizing tiers, which the runtime delays while new code keeps being compiled (after one round of 100
            // partitions, about 2,300 methods were still compiled at tier 1 during the measured interval, the JIT's
            // thread taking 30% of its CPU). Rounds repeat until one compiles almost nothing; the methods compiled and
            // the JIT's time inside the measured intervals are printed, so a figure that still pays for the JIT says so.
            for (var round = 0; round < MaxWarmUpRounds; round++)
            {
                var compiledBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
                await RawAsync(Path.Combine(folder, "warm", $"raw-{round}"), warmUpPartitions, rows, writers: 1);
                await RawAsync(Path.Combine(folder, "warm", $"raw-parallel-{round}"), warmUpPartitions, rows, ParallelSteps);
                await FrameworkAsync(new LocalObjectStore(Path.Combine(folder, "warm", $"root-{round}")), Path.Combine(folder, "warm", $"meta-{round}.duckdb"), Path.Combine(folder, "warm", $"staging-{round}"), warmUpPartitions, rows);
                await ExecutorAsync(Path.Combine(folder, "warm", $"executor-{round}"), warmUpPartitions, rows);
                await ExecutorAsync(Path.Combine(folder, "warm", $"executor-parallel-{round}"), warmUpPartitions, rows, ParallelSteps);

                // Tier-1 compilation runs in the background after a quiet spell of the JIT: give it that spell.
                await Task.Delay(TimeSpan.FromMilliseconds(500));
                var compiled = System.Runtime.JitInfo.GetCompiledMethodCount() - compiledBefore;
                report.Note($"warm-up round {round + 1}: {compiled} methods compiled");
                if (compiled < QuietJitMethods)
                {
                    break;
                }
            }

            // CPU beside wall time: on a shared machine the wall time of the framework's work stretches with the load while the
            // raw loop mostly waits for the disk, so the CPU each costs is the steadier figure of the framework's own work.
            var raw = await RawAsync(Path.Combine(folder, "raw"), partitions, rows, writers: 1);
            var store = new LocalObjectStore(Path.Combine(folder, "root"));
            var (framework, bytes) = await FrameworkAsync(store, Path.Combine(folder, "meta.duckdb"), Path.Combine(folder, "staging"), partitions, rows);

            // Exceptions thrown and caught on the way (a missing file probed by opening it, a cancelled delay) cost
            // tens of microseconds each and hide real errors in a debugger: a normal run of tiny partitions throws none.
            var exceptions = 0;
            void Count(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e) => Interlocked.Increment(ref exceptions);
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var jitMethodsBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
            var jitTimeBefore = System.Runtime.JitInfo.GetCompilationTime();
            AppDomain.CurrentDomain.FirstChanceException += Count;
            Measured executor;
            try
            {
                executor = await ExecutorAsync(Path.Combine(folder, "executor"), partitions, rows);
            }
            finally
            {
                AppDomain.CurrentDomain.FirstChanceException -= Count;
            }

            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            var jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount() - jitMethodsBefore;
            var jitTime = System.Runtime.JitInfo.GetCompilationTime() - jitTimeBefore;
            var executorOnLargerStore = await ExecutorAsync(Path.Combine(folder, "executor-larger-store"), partitions, rows, otherStates: OtherStates(quick));
            var rawParallel = await RawAsync(Path.Combine(folder, "raw-parallel"), partitions, rows, ParallelSteps);
            var flushRounds = GroupFlush.Disk.Rounds;
            var executorParallel = await ExecutorAsync(Path.Combine(folder, "executor-parallel"), partitions, rows, ParallelSteps);
            flushRounds = GroupFlush.Disk.Rounds - flushRounds;

            report.Note($"{partitions} partitions of {RowsPerPartition} rows on a local root ({Path.GetTempPath()}), after a warm-up of {warmUpPartitions}");
            report.Note($"larger store: the executor one partition at a time on a metadata store already holding {OtherStates(quick):N0} other partitions' states");
            report.Note($"sequential: the publisher and the executor one partition at a time, the raw loop one file at a time; parallel: the executor {ParallelSteps} steps at once, {ParallelSteps} raw writers at once");
            report.Figure("publish_small_local_per_partition", framework.Wall.TotalMilliseconds / partitions, "ms");
            report.Figure("executor_small_local_per_partition", executor.Wall.TotalMilliseconds / partitions, "ms");
            report.Figure("raw_write_fsync_rename_per_partition", raw.Wall.TotalMilliseconds / partitions, "ms");
            report.Figure("publish_small_local_overhead_per_partition", (framework.Wall - raw.Wall).TotalMilliseconds / partitions, "ms");
            report.Figure("executor_small_local_overhead_per_partition", (executor.Wall - raw.Wall).TotalMilliseconds / partitions, "ms");
            report.Figure("publish_small_local_ratio", framework.Wall / raw.Wall, "x");
            report.Figure("executor_small_local_ratio", executor.Wall / raw.Wall, "x");
            report.Figure("raw_write_fsync_rename_cpu_per_partition", raw.Cpu.TotalMilliseconds / partitions, "ms");
            report.Figure("publish_small_local_cpu_per_partition", framework.Cpu.TotalMilliseconds / partitions, "ms");
            report.Figure("executor_small_local_cpu_per_partition", executor.Cpu.TotalMilliseconds / partitions, "ms");
            report.Figure("publish_small_local_bytes", bytes, "bytes");
            report.Figure("executor_small_local_exceptions_per_run", exceptions, "first-chance exceptions");
            report.Figure("executor_small_local_allocated_per_partition", allocated / 1024.0 / partitions, "KiB");
            report.Figure("executor_small_local_jit_methods_during_run", jitMethods, "methods");
            report.Figure("executor_small_local_jit_time_per_partition", jitTime.TotalMilliseconds / partitions, "ms");
            report.Figure("executor_small_local_on_larger_store_per_partition", executorOnLargerStore.Wall.TotalMilliseconds / partitions, "ms");
            report.Figure("executor_small_local_on_larger_store_cpu_per_partition", executorOnLargerStore.Cpu.TotalMilliseconds / partitions, "ms");
            report.Figure($"executor_parallel{ParallelSteps}_small_local_per_partition", executorParallel.Wall.TotalMilliseconds / partitions, "ms");
            report.Figure($"raw_parallel{ParallelSteps}_write_fsync_rename_per_partition", rawParallel.Wall.TotalMilliseconds / partitions, "ms");
            report.Figure($"executor_parallel{ParallelSteps}_small_local_overhead_per_partition", (executorParallel.Wall - rawParallel.Wall).TotalMilliseconds / partitions, "ms");
            report.Figure($"executor_parallel{ParallelSteps}_small_local_ratio", executorParallel.Wall / rawParallel.Wall, "x");
            report.Figure($"raw_parallel{ParallelSteps}_write_fsync_rename_cpu_per_partition", rawParallel.Cpu.TotalMilliseconds / partitions, "ms");
            report.Figure($"executor_parallel{ParallelSteps}_small_local_cpu_per_partition", executorParallel.Cpu.TotalMilliseconds / partitions, "ms");
            report.Figure($"executor_parallel{ParallelSteps}_flush_rounds_per_partition", (double)flushRounds / partitions, "rounds");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>How many other partitions' states the larger store holds.</summary>
    private static int OtherStates(bool quick) => quick ? 20_000 : 100_000;

    /// <summary>CPU time of the whole process so far (user and kernel; the runtime's own threads included).</summary>
    private static TimeSpan ProcessCpu() => System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;

    /// <summary>Wall and CPU time of one measured interval.</summary>
    public readonly record struct Measured(TimeSpan Wall, TimeSpan Cpu)
    {
        public static Measured Start() => new(Stopwatch.GetElapsedTime(0), ProcessCpu());

        public Measured Stop() => new(Stopwatch.GetElapsedTime(0) - Wall, ProcessCpu() - Cpu);
    }

    /// <summary>
    /// Materializes <paramref name="partitions"/> daily partitions of <see cref="SmallPartitionAssets.Small"/> through
    /// the executor and the storage materialization store, <paramref name="parallelSteps"/> steps at a time, on a metadata
    /// store first given the states of <paramref name="otherStates"/> partitions of another asset; the time
    /// includes the run's events and committing the metadata store, not opening and closing it.
    /// </summary>
    public static async Task<Measured> ExecutorAsync(string folder, int partitions, SmallRow[] rows, int parallelSteps = 1, int otherStates = 0)
    {
        SmallPartitionAssets.Rows = rows;
        var graph = new AssetGraphBuilder().AddTypes(typeof(SmallPartitionAssets)).Build();
        var start = new LocalDate(2020, 1, 1);
        var asset = AssetKey.Parse("bench/small");
        var steps = Enumerable.Range(0, partitions)
            .Select(i => new ExecutionStep(new AssetPartition(asset, new PartitionKey(start.PlusDays(i).ToString("yyyy-MM-dd", null))), []))
            .ToArray();
        await using var metadata = await DuckDbMetadataStore.OpenAsync(Path.Combine(folder, "meta.duckdb"));
        var root = new LocalObjectStore(Path.Combine(folder, "root"));

        // Reconciled as a command opens it (not measured): from here the store logs its pointer writes.
        await new PointerReconciler(root, metadata, SystemClock.Instance).ReconcileChangesAsync();
        var store = new StorageMaterializationStore(
            root, metadata, SystemClock.Instance, new PublisherOptions { StagingDirectory = Path.Combine(folder, "staging") });
        var executor = new AssetExecutor(graph, store, metadata, new NoServices(), SystemClock.Instance, NullLoggerFactory.Instance, new ExecutionOptions { MaxParallelism = parallelSteps });
        if (otherStates > 0)
        {
            // A store that already knows other partitions, as a real root's does: what a step's metadata work costs there.
            var other = AssetKey.Parse("bench/other");
            var now = SystemClock.Instance.GetCurrentInstant();
            await metadata.SetStatesAsync(Enumerable.Range(0, otherStates)
                .Select(i => new Assets.Metadata.PartitionState(new AssetPartition(other, new PartitionKey(start.PlusDays(i).ToString("yyyy-MM-dd", null))), Assets.Metadata.PartitionStatus.Missing, null, null, null, null, null, null, now))
                .ToArray());
            await metadata.FlushAsync();
        }

        var measured = Measured.Start();
        var summary = await executor.RunAsync(steps, RunId.New());
        await metadata.FlushAsync();
        measured = measured.Stop();
        if (summary.Steps.Any(s => s.Outcome != StepOutcome.Published))
        {
            throw new InvalidOperationException("A benchmark step did not publish: " + summary.Describe());
        }

        return measured;
    }

    /// <summary>The whole protocol for each partition; returns the time and the bytes written under the root.</summary>
    public static async Task<(Measured Elapsed, long Bytes)> FrameworkAsync(IObjectStore store, string metadataPath, string staging, int partitions, SmallRow[] rows)
    {
        await using var metadata = await DuckDbMetadataStore.OpenAsync(metadataPath);
        await new PointerReconciler(store, metadata, SystemClock.Instance).ReconcileChangesAsync();
        var publisher = new PartitionPublisher(store, metadata, SystemClock.Instance, new PublisherOptions { StagingDirectory = staging });
        var start = new LocalDate(2020, 1, 1);
        var run = RunId.New();
        var measured = Measured.Start();
        for (var i = 0; i < partitions; i++)
        {
            var partition = new AssetPartition(AssetKey.Parse("bench/small"), new PartitionKey(start.PlusDays(i).ToString("yyyy-MM-dd", null)));
            await using var publication = await publisher.BeginAsync(partition, run);
            await publication.StageFileAsync(async (stream, ct) => (await ParquetRecordFormat.WriteAsync(rows, stream, cancellationToken: ct)).Rows);
            await publication.WriteManifestAsync("1", [], null, ParquetRecordFormat.DescribeSchema(typeof(SmallRow)));
            await publication.PublishAsync();
        }

        await metadata.FlushAsync();
        measured = measured.Stop();
        long bytes = 0;
        await foreach (var entry in store.ListAsync(string.Empty))
        {
            bytes += entry.Size;
        }

        return (measured, bytes);
    }

    /// <summary>
    /// The same Parquet bytes per partition, written to a temp file, fsynced and renamed: what any careful writer pays;
    /// <paramref name="writers"/> threads at once, each writing its share one file after another.
    /// </summary>
    private static async Task<Measured> RawAsync(string folder, int partitions, SmallRow[] rows, int writers)
    {
        Directory.CreateDirectory(folder);
        var measured = Measured.Start();
        var next = -1;
        var threads = Enumerable.Range(0, writers).Select(_ => new Thread(Write)).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        return await Task.FromResult(measured.Stop());

        void Write()
        {
            for (var i = Interlocked.Increment(ref next); i < partitions; i = Interlocked.Increment(ref next))
            {
                var temp = Path.Combine(folder, $"{i}.tmp");
                using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    ParquetRecordFormat.WriteAsync(rows, file).GetAwaiter().GetResult();
                    file.Flush(flushToDisk: true);
                }

                File.Move(temp, Path.Combine(folder, $"{i}.parquet"));
            }
        }
    }

    /// <summary>No services: the trivial asset takes none.</summary>
    private sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}

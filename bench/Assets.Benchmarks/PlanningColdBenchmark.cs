using System.Diagnostics;
using Assets.Planning;
using Assets.Storage.Metadata;

namespace Assets.Benchmarks;

/// <summary>
/// Only the cold plan of <see cref="PlanningBenchmark"/>'s 730,000 partitions, in a process of its own, as a `plan` command
/// does it: open the store, read the states and compared reads, close, evaluate, plan. The store is written once into the
/// folder <c>ASSETS_BENCH_PLANNING_STORE</c> names (by the first run, which then stops) and kept, so two builds can be run
/// one after the other on the same file, each in new processes, in a few seconds each.
/// </summary>
public sealed class PlanningColdBenchmark : IBenchmark
{
    public string Name => "planning-cold";

    public async Task RunAsync(bool quick, Report report)
    {
        var folder = Environment.GetEnvironmentVariable("ASSETS_BENCH_PLANNING_STORE")
            ?? throw new InvalidOperationException("Set ASSETS_BENCH_PLANNING_STORE to a folder for the store (kept between runs).");
        var path = Path.Combine(folder, "meta.duckdb");
        var graph = PlanningBenchmark.Graph();
        if (!File.Exists(path))
        {
            await PlanningBenchmark.WriteStoreAsync(graph, path, quick ? 365 : int.MaxValue);
            report.Note($"store written to {path}; run again to measure");
            return;
        }

        var watch = Stopwatch.StartNew();
        StatusInputs inputs;
        TimeSpan read, readCpu;
        await using (var store = await DuckDbMetadataStore.OpenAsync(path))
        {
            var open = watch.Elapsed;
            report.Figure("planning_cold_store_open_ms", open.TotalMilliseconds, "ms");
            var cpuAtStart = ProcessCpu();
            watch.Restart();
            inputs = await ((IStatusInputStore)store).GetStatusInputsAsync();
            read = watch.Elapsed;
            readCpu = ProcessCpu() - cpuAtStart;
            watch.Restart();
        }

        var close = watch.Elapsed;
        var cpuAfterClose = ProcessCpu();
        var (pauseAtEvaluate, collectionsAtEvaluate, allocatedAtEvaluate) = (GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.GetTotalAllocatedBytes(precise: true));
        watch.Restart();
        var grid = StatusEvaluator.EvaluateInputs(graph, inputs, PlanningBenchmark.AsOf);
        var evaluate = watch.Elapsed;
        var evaluateCpu = ProcessCpu() - cpuAfterClose;
        var (pauseAtPlan, collectionsAtPlan, allocatedAtPlan) = (GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.GetTotalAllocatedBytes(precise: true));
        watch.Restart();
        var plan = Planner.CreatePlan(graph, grid, graph.Assets, PartitionRange.All);
        var planning = watch.Elapsed;
        var cpu = ProcessCpu() - cpuAfterClose + readCpu;
        var (pauseAtEnd, collectionsAtEnd, allocatedAtEnd) = (GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.GetTotalAllocatedBytes(precise: true));
        report.Note($"{inputs.States.Count} states, {inputs.ReadUpstream.Length} recorded reads; {plan.Steps.Count} stale steps planned");
        report.Figure("planning_cold_store_read_ms", read.TotalMilliseconds, "ms");
        report.Figure("planning_cold_store_read_cpu_ms", readCpu.TotalMilliseconds, "ms");
        report.Figure("planning_cold_store_close_ms", close.TotalMilliseconds, "ms");
        report.Figure("planning_cold_evaluate_ms", evaluate.TotalMilliseconds, "ms");
        report.Figure("planning_cold_evaluate_cpu_ms", evaluateCpu.TotalMilliseconds, "ms");
        report.Figure("planning_cold_evaluate_gc_pause_ms", (pauseAtPlan - pauseAtEvaluate).TotalMilliseconds, "ms");
        report.Figure("planning_cold_evaluate_collections", collectionsAtPlan - collectionsAtEvaluate, "");
        report.Figure("planning_cold_evaluate_allocated_mb", (allocatedAtPlan - allocatedAtEvaluate) / 1e6, "MB");
        report.Figure("planning_cold_plan_ms", planning.TotalMilliseconds, "ms");
        report.Figure("planning_cold_plan_gc_pause_ms", (pauseAtEnd - pauseAtPlan).TotalMilliseconds, "ms");
        report.Figure("planning_cold_plan_collections", collectionsAtEnd - collectionsAtPlan, "");
        report.Figure("planning_cold_plan_allocated_mb", (allocatedAtEnd - allocatedAtPlan) / 1e6, "MB");
        report.Figure("planning_cold_total_ms", (read + evaluate + planning).TotalMilliseconds, "ms");
        report.Figure("planning_cold_total_cpu_ms", cpu.TotalMilliseconds, "ms");
    }

    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}

using System.Diagnostics;
using Assets.Execution;
using Assets.Execution.Queue;
using Assets.Graph;
using Assets.Hosting.CommandLine;
using Assets.Hosting.Configuration;
using Assets.Hosting.Storage;
using Assets.Hosting.Workers;
using Assets.Partitions;
using Assets.Storage.Metadata.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Assets.Benchmarks;

/// <summary>
/// Tiny-partition throughput through the step queue (the shared mode): 400 partitions of the 50-row bench asset (100
/// with --quick), run once in this process by the executor (at most one step per core at once, the in-process
/// baseline), then queued and run by 1 and by 2 workers (<see cref="StepWorker"/>, one slot per core each), all against
/// the same PostgreSQL metadata store and local root, side by side in one run. The workers live in this process (each
/// with its own registration, claims, heartbeat and queue session; the machine's cores are shared anyway), so the
/// figures measure what the queue adds per step: claim, renew, complete, the enqueuer following the run. Needs a
/// PostgreSQL server: set <c>ASSETS_BENCH_POSTGRES</c> (the benchmark works in a schema of its own and drops it).
/// </summary>
public sealed class WorkerThroughputBenchmark : IBenchmark
{
    public string Name => "worker-throughput";

    public async Task RunAsync(bool quick, Report report)
    {
        if (Environment.GetEnvironmentVariable("ASSETS_BENCH_POSTGRES") is not { Length: > 0 } server)
        {
            report.Note("worker-throughput skipped: set ASSETS_BENCH_POSTGRES to a PostgreSQL connection string");
            return;
        }

        var partitions = quick ? 100 : 400;
        SmallPartitionAssets.Rows = Enumerable.Range(0, 50).Select(i => new SmallRow { Id = $"R-{i:D4}", Quantity = i % 5 + 1, Amount = i * 1.25m }).ToArray();
        var schema = "bench_" + Guid.NewGuid().ToString("N");
        var admin = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Parse(server).ConnectionString) { Pooling = false };
        await ExecuteAsync(admin.ConnectionString, $"CREATE SCHEMA {schema}");
        var folder = Path.Combine(Path.GetTempPath(), "assets-bench-workers-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var host = BuildHost(new NpgsqlConnectionStringBuilder(admin.ConnectionString) { SearchPath = schema, Pooling = true }.ConnectionString, folder);
            var services = host.Services;
            var graph = services.GetRequiredService<AssetGraph>();
            var asset = graph.Assets.Single();
            var steps = ((TimeWindowPartitionsDefinition)asset.Partitions!).GetKeys(NodaTime.Instant.FromUtc(2026, 1, 1, 0, 0))
                .Take(partitions).Select(k => new ExecutionStep(new AssetPartition(asset.Key, k), [])).ToArray();
            var metadata = await services.GetRequiredService<AssetsStorage>().OpenMetadataAsync(CancellationToken.None);

            // Warm-up of both paths: the first run of each pays for JIT and connection pools.
            await InProcessAsync(services, metadata, steps.Take(40).ToArray());
            await WorkersAsync(services, metadata, steps.Take(40).ToArray(), 1);

            var inProcess = await InProcessAsync(services, metadata, steps);
            var one = await WorkersAsync(services, metadata, steps, 1);
            var two = await WorkersAsync(services, metadata, steps, 2);
            report.Note($"{partitions} partitions of 50 rows on a local root, PostgreSQL metadata; {Environment.ProcessorCount} cores; workers in this process, {Environment.ProcessorCount} slots each");
            report.Figure("workers_in_process_steps_per_s", partitions / inProcess.TotalSeconds, "steps/s");
            report.Figure("workers_1_steps_per_s", partitions / one.TotalSeconds, "steps/s");
            report.Figure("workers_2_steps_per_s", partitions / two.TotalSeconds, "steps/s");
            report.Figure("workers_1_vs_in_process", inProcess.TotalSeconds / one.TotalSeconds, "x");
            report.Figure("workers_2_vs_in_process", inProcess.TotalSeconds / two.TotalSeconds, "x");
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

    private static async Task<TimeSpan> InProcessAsync(IServiceProvider services, Metadata.IMetadataStore metadata, ExecutionStep[] steps)
    {
        var executor = Executors.Create(services, metadata, new ExecutionOptions { MaxParallelism = Environment.ProcessorCount });
        var timer = Stopwatch.StartNew();
        var summary = await executor.RunAsync(steps, RunId.New());
        Check(summary, steps.Length);
        return timer.Elapsed;
    }

    private static async Task<TimeSpan> WorkersAsync(IServiceProvider services, Metadata.IMetadataStore metadata, ExecutionStep[] steps, int count)
    {
        var storage = services.GetRequiredService<AssetsStorage>();
        var queue = await storage.OpenStepQueueAsync("the benchmark", CancellationToken.None);
        var settings = WorkerSettings.From(services.GetRequiredService<IOptions<AssetsOptions>>().Value, Environment.ProcessorCount);
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, count)
            .Select(_ => new StepWorker(services, queue, metadata, settings, TextWriter.Null, NullLogger.Instance).RunAsync(stop.Token))
            .ToArray();
        try
        {
            // Every worker registered before the clock starts: the run measures steps, not start-up.
            while ((await queue.ListWorkersAsync(NodaTime.SystemClock.Instance.GetCurrentInstant(), settings.ClaimTtl)).Count(w => w.IsAlive) < count)
            {
                await Task.Delay(20);
            }

            var timer = Stopwatch.StartNew();
            var summary = await new QueuedRunWaiter(services).RunAsync(steps, RunId.New(), RunOrigin.Materialize, StepPriority.Current, null, null, _ => { }, CancellationToken.None);
            var elapsed = timer.Elapsed;
            Check(summary, steps.Length);
            return elapsed;
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }
    }

    private static void Check(RunSummary summary, int steps)
    {
        if (summary.Published != steps)
        {
            throw new InvalidOperationException($"Expected {steps} published steps: {summary.Describe()}");
        }
    }

    private static IHost BuildHost(string metadata, string folder)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection([
            new("Assets:Root", Path.Combine(folder, "root")),
            new("Assets:Metadata", metadata),
            new("Assets:Worker:PollInterval", "1s"),
        ]);
        builder.Services.AddAssets(assets => assets.FromTypes(typeof(SmallPartitionAssets)));
        return builder.Build();
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

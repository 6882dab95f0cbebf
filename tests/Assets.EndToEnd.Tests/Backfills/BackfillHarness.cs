using Assets.Backfills;
using Assets.EndToEnd.Tests.Backfills.Fixtures;
using Assets.Execution;
using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using Assets.Planning;
using Assets.Storage.Metadata;
using Assets.Storage.Objects.Memory;
using Assets.Storage.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace Assets.EndToEnd.Tests.Backfills;

/// <summary>The backfill runner over the real executor, publisher and DuckDB store, with the scriptable meter assets.</summary>
public sealed class BackfillHarness : IAsyncDisposable
{
    private readonly string _folder;
    private readonly ServiceProvider _services;

    private BackfillHarness(string folder, Probe probe, DuckDbMetadataStore metadata, ServiceProvider services, AssetGraph graph)
    {
        _folder = folder;
        Probe = probe;
        Metadata = metadata;
        _services = services;
        Graph = graph;
        Runner = new BackfillRunner(Graph, Metadata, Metadata, SystemClock.Instance, request => Executor(request.MaxConcurrency, StepPriority.Backfill));
    }

    public Probe Probe { get; }

    public InMemoryObjectStore Store { get; } = new();

    public DuckDbMetadataStore Metadata { get; }

    public AssetGraph Graph { get; }

    public BackfillRunner Runner { get; }

    public StepSlots? Slots { get; set; }

    public static async Task<BackfillHarness> CreateAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "assets-backfill-" + Guid.NewGuid().ToString("N"));
        var collection = new ServiceCollection();
        var probe = new Probe();
        collection.AddSingleton(probe);
        var services = collection.BuildServiceProvider();
        var graph = new AssetGraphBuilder().AddTypes(typeof(MeterAssets)).UseServices(t => t == typeof(Probe)).Build();
        var metadata = await DuckDbMetadataStore.OpenAsync(Path.Combine(folder, "assets.duckdb"));
        return new BackfillHarness(folder, probe, metadata, services, graph);
    }

    public static AssetPartition Day(string asset, int day) => new(AssetKey.Parse(asset), new PartitionKey($"2026-01-{day:D2}"));

    public static AssetPartition Whole(string asset) => new(AssetKey.Parse(asset), null);

    public async Task<StatusGrid> EvaluateAsync()
        => StatusEvaluator.Evaluate(Graph, await Metadata.GetStatesAsync(), await Metadata.GetRecordedUpstreamAsync(), SystemClock.Instance.GetCurrentInstant());

    public async Task<Backfill> CreateAsync(BackfillRequest request)
        => await Runner.CreateAsync(BackfillPlan.Create(Graph, await EvaluateAsync(), request));

    public async Task<(Backfill Backfill, RunSummary? Run)> StartAsync(BackfillRequest request, CancellationToken cancellationToken = default)
    {
        var backfill = await CreateAsync(request);
        return await Runner.RunAsync(backfill.Id, null, cancellationToken);
    }

    public AssetExecutor Executor(int parallelism, StepPriority priority = StepPriority.Current)
        => new(Graph, new StorageMaterializationStore(Store, Metadata, SystemClock.Instance), Metadata, _services, SystemClock.Instance, NullLoggerFactory.Instance,
            new ExecutionOptions { MaxParallelism = parallelism, Slots = Slots, Priority = priority });

    /// <summary>Materializes partitions directly (current work), each depending on the others it reads.</summary>
    public Task<RunSummary> MaterializeAsync(params AssetPartition[] partitions)
    {
        var inRun = partitions.ToHashSet();
        var now = SystemClock.Instance.GetCurrentInstant();
        var steps = partitions.Select(p => new ExecutionStep(p, Graph.GetUpstreamPartitions(p, now)
            .SelectMany(u => u.Partitions.Keys.Select(k => new AssetPartition(u.Dependency.Upstream, k)))
            .Where(inRun.Contains).ToList())).ToList();
        return Executor(4).RunAsync(steps, RunId.New());
    }

    /// <summary>How many materializations of the partition were published (a publish sequence each).</summary>
    public async Task<int> PublishCountAsync(AssetPartition partition)
        => (await Metadata.GetMaterializationsAsync(partition)).Count(m => m.PublishedAt is not null);

    public async Task<PartitionStatus?> StatusAsync(AssetPartition partition) => (await Metadata.GetStateAsync(partition))?.Status;

    public async ValueTask DisposeAsync()
    {
        await Metadata.DisposeAsync();
        await _services.DisposeAsync();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}

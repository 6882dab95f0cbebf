using Assets.Core.Tests.Execution.Fixtures;
using Assets.Execution;
using Assets.Graph;
using Assets.Partitions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;


namespace Assets.Core.Tests.Execution;

/// <summary>The executor under test with its fakes: an in-memory store, an event log, a probe service and timers that fire at once.</summary>
public sealed class ExecutorHarness
{
    public static readonly Instant Now = Instant.FromUtc(2026, 12, 31, 12, 0);

    private ExecutorHarness(int maxParallelism, Action<IServiceCollection>? configure)
    {
        var collection = new ServiceCollection();
        collection.AddSingleton(Probe);
        collection.AddSingleton<IWarehouse, Warehouse>();
        configure?.Invoke(collection);
        Services = new TestServices(collection);
        Graph = new AssetGraphBuilder()
            .AddTypes(typeof(SalesProject), typeof(WarehouseAssets))
            .UseServices(t => collection.Any(d => d.ServiceType == t))
            .Build();
        Executor = new AssetExecutor(
            Graph, Store, Metadata, Services, new FixedClock(Now), NullLoggerFactory.Instance,
            new ExecutionOptions { MaxParallelism = maxParallelism, TimeProvider = Time });
    }

    public Probe Probe { get; } = new();

    public FakeMaterializationStore Store { get; } = new();

    public FakeMetadataStore Metadata { get; } = new();

    public ImmediateTimeProvider Time { get; } = new();

    public TestServices Services { get; }

    public AssetGraph Graph { get; }

    public AssetExecutor Executor { get; }

    public RunId Run { get; } = RunId.New();

    public static ExecutorHarness Create(int maxParallelism = 4, Action<IServiceCollection>? configure = null) => new(maxParallelism, configure);

    public static AssetPartition P(string asset, string? partition = null)
        => new(AssetKey.Parse(asset), partition is null ? null : new PartitionKey(partition));

    /// <summary>Steps for the given partitions, each depending on the mapped upstream partitions among them.</summary>
    public IReadOnlyList<ExecutionStep> Steps(params AssetPartition[] partitions)
    {
        var inRun = partitions.ToHashSet();
        return partitions
            .Select(p => new ExecutionStep(
                p,
                Graph.GetUpstreamPartitions(p, Now)
                    .SelectMany(u => u.Partitions.Keys.Select(k => new AssetPartition(u.Dependency.Upstream, k)))
                    .Where(inRun.Contains)
                    .ToList()))
            .ToList();
    }

    public Task<RunSummary> RunAsync(IReadOnlyList<ExecutionStep> steps, IProgress<StepUpdate>? progress = null, CancellationToken cancellationToken = default)
        => Executor.RunAsync(steps, Run, progress, cancellationToken);

    public Task<RunSummary> RunAsync(params AssetPartition[] partitions) => RunAsync(Steps(partitions));
}

/// <summary>A clock that always says the same instant.</summary>
public sealed class FixedClock(Instant now) : IClock
{
    public Instant GetCurrentInstant() => now;
}

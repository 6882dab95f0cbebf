using System.Collections;
using Assets.Execution;
using Assets.Graph;
using Assets.Hosting;
using Assets.Metadata;
using Assets.Partitions;
using Assets.Planning;
using Assets.Selection;
using Assets.Storage.Metadata;
using Assets.Storage.Objects.Memory;
using Assets.Storage.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using NodaTime.Testing;

namespace Assets.Testing;

/// <summary>
/// A project's assets materialized in a test, as Dagster's <c>materialize_to_memory</c>: the real graph, planner, executor
/// and publish protocol over an in-memory root (<see cref="InMemoryObjectStore"/>) and an in-memory metadata store (an
/// in-process DuckDB database without a file), with a <see cref="FakeClock"/> the test moves. Nothing touches the disk.
/// <code>
/// await using var assets = await InMemoryAssets.CreateAsync(
///     a => a.FromAssemblyContaining(typeof(SalesAssets)),
///     services => services.AddSingleton(new OrdersFolder(sourceDir)),
///     now: Instant.FromUtc(2026, 1, 8, 6, 0));
/// AssetsAssert.Completed(await assets.MaterializeAsync("*", partition: "2026-01-05"));
/// var rows = await assets.ReadAsync&lt;Order&gt;("clean_orders", "2026-01-05");
/// </code>
/// One instance is one isolated store; dispose it at the end of the test.
/// </summary>
public sealed class InMemoryAssets : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly DuckDbMetadataStore _metadata;
    private readonly StatusGridCache _grids = new();

    private InMemoryAssets(ServiceProvider services, DuckDbMetadataStore metadata, FakeClock clock)
    {
        _services = services;
        _metadata = metadata;
        Clock = clock;
        Graph = services.GetRequiredService<AssetGraph>();
    }

    /// <summary>The clock of the runs, the planner and the store: advance it to make partitions due or stale.</summary>
    public FakeClock Clock { get; }

    /// <summary>The asset graph, with every definition error reported when <see cref="CreateAsync"/> built it.</summary>
    public AssetGraph Graph { get; }

    /// <summary>The in-memory root: the published data files, manifests and pointers.</summary>
    public InMemoryObjectStore Root { get; } = new();

    /// <summary>The in-memory metadata store: states, materializations, check results, the event log.</summary>
    public IMetadataStore Metadata => _metadata;

    /// <summary>The services asset bodies are given (those registered by <see cref="CreateAsync"/>'s <c>services</c>).</summary>
    public IServiceProvider Services => _services;

    /// <summary>
    /// Builds the graph of the assets <paramref name="assets"/> names (as <c>AddAssets</c> does in Program.cs), with the
    /// services <paramref name="services"/> registers for the bodies, and opens an empty in-memory store. The clock starts
    /// at <paramref name="now"/> (default: the current time), so the partitions that exist are those ended by then.
    /// </summary>
    /// <exception cref="AssetDefinitionException">A definition is wrong (every error is listed).</exception>
    public static async Task<InMemoryAssets> CreateAsync(Action<AssetsBuilder> assets, Action<IServiceCollection>? services = null, Instant? now = null)
    {
        ArgumentNullException.ThrowIfNull(assets);
        var clock = new FakeClock(now ?? SystemClock.Instance.GetCurrentInstant());
        var collection = new ServiceCollection();
        // The framework's clock (AssetsClock) and the one a body may take (IClock, FakeClock) are the same fake.
        collection.AddSingleton(new AssetsClock(clock));
        collection.AddSingleton<IClock>(clock);
        collection.AddSingleton(clock);
        collection.AddLogging();
        services?.Invoke(collection);
        collection.AddAssets(assets);
        var provider = collection.BuildServiceProvider();
        try
        {
            var metadata = await DuckDbMetadataStore.OpenInMemoryAsync(clock).ConfigureAwait(false);
            var harness = new InMemoryAssets(provider, metadata, clock);
            return harness;
        }
        catch
        {
            await provider.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Plans the selected assets as <c>materialize</c> does (what is missing or stale in the range; everything in it with
    /// <paramref name="force"/>) and runs the plan: <paramref name="select"/> is a selection (<c>*</c>,
    /// <c>clean_orders+</c>, <c>group:sales</c>); <paramref name="partition"/> one partition, or <paramref name="from"/> and
    /// <paramref name="to"/> a range (inclusive), or none of them for every partition that exists now.
    /// </summary>
    public async Task<RunSummary> MaterializeAsync(string select = "*", string? partition = null, string? from = null, string? to = null, bool force = false, CancellationToken cancellationToken = default)
    {
        var plan = await PlanAsync(select, partition, from, to, force, cancellationToken).ConfigureAwait(false);
        return await RunAsync(plan.ToExecutionSteps(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The plan <see cref="MaterializeAsync"/> would run now, with each step's reason and what is blocked and why.</summary>
    public async Task<Plan> PlanAsync(string select = "*", string? partition = null, string? from = null, string? to = null, bool force = false, CancellationToken cancellationToken = default)
    {
        var selected = AssetSelection.Parse(select).Resolve(Graph);
        var range = partition is not null ? PartitionRange.ForPartition(partition)
            : from is null && to is null ? PartitionRange.All
            : PartitionRange.Between(from, to);
        var grid = await StatusAsync(cancellationToken).ConfigureAwait(false);
        return Planner.CreatePlan(Graph, grid, selected, range, force ? PlanMode.Force : PlanMode.MissingOrStale);
    }

    /// <summary>Runs the given steps (each partition with those it waits for) as one run, as the executor does for a plan.</summary>
    public Task<RunSummary> RunAsync(IReadOnlyList<ExecutionStep> steps, CancellationToken cancellationToken = default)
    {
        var loggers = _services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var executor = new AssetExecutor(Graph, new StorageMaterializationStore(Root, _metadata, Clock), _metadata, _services, Clock, loggers, new ExecutionOptions { MaxParallelism = 1 });
        return executor.RunAsync(steps, RunId.New(), cancellationToken: cancellationToken);
    }

    /// <summary>The status of every partition, as <c>status</c> shows it, evaluated at the clock's time.</summary>
    public Task<StatusGrid> StatusAsync(CancellationToken cancellationToken = default)
        => _grids.EvaluateAsync(Graph, _metadata, Clock.GetCurrentInstant(), cancellationToken);

    /// <summary>
    /// The published rows of <paramref name="asset"/>'s <paramref name="partition"/> (<c>null</c> when unpartitioned);
    /// throws <see cref="AssetsAssertionException"/> when nothing is published there.
    /// </summary>
    public async Task<IReadOnlyList<T>> ReadAsync<T>(string asset, string? partition = null, CancellationToken cancellationToken = default)
    {
        var target = PartitionOf(asset, partition);
        if (await _metadata.GetStateAsync(target, cancellationToken).ConfigureAwait(false) is not { MaterializationId: not null })
        {
            throw new AssetsAssertionException($"Nothing is published for {target}: materialize it first (its state: {await DescribeStateAsync(target, cancellationToken).ConfigureAwait(false)}).");
        }

        var rows = new List<T>();
        await foreach (var row in new PartitionReader(Root).ReadAsync<T>(target, cancellationToken).ConfigureAwait(false))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>The recorded state of a partition (status, cause, versions), or <c>null</c> when it was never materialized.</summary>
    public Task<PartitionState?> StateAsync(string asset, string? partition = null, CancellationToken cancellationToken = default)
        => _metadata.GetStateAsync(PartitionOf(asset, partition), cancellationToken);

    /// <summary>The check results of a partition, newest first.</summary>
    public Task<IReadOnlyList<CheckRecord>> ChecksAsync(string asset, string? partition = null, CancellationToken cancellationToken = default)
        => _metadata.GetCheckResultsAsync(PartitionOf(asset, partition), cancellationToken);

    /// <summary>
    /// Asserts the status of a partition as <c>status</c> shows it at the clock's time (so a published partition whose
    /// upstream changed is <see cref="PartitionStatus.Stale"/>), and when <paramref name="causeContains"/> is given that its
    /// cause contains that text (ignoring case). Throws <see cref="AssetsAssertionException"/> saying what it is instead.
    /// </summary>
    public async Task AssertStatusAsync(string asset, string? partition, PartitionStatus expected, string? causeContains = null, CancellationToken cancellationToken = default)
    {
        var target = PartitionOf(asset, partition);
        var grid = await StatusAsync(cancellationToken).ConfigureAwait(false);
        if (!grid.TryGet(target, out var row))
        {
            throw new AssetsAssertionException($"{target} does not exist at {grid.AsOf}: a time partition exists once its window has ended (move the clock on).");
        }

        var (status, cause) = (row.Status, row.Cause);
        if (status != expected)
        {
            throw new AssetsAssertionException($"Expected {target} to be {expected}, but it is {status}{(cause is null ? "." : ": " + cause)}");
        }

        if (causeContains is not null && (cause is null || !cause.Contains(causeContains, StringComparison.OrdinalIgnoreCase)))
        {
            throw new AssetsAssertionException($"Expected the cause of {target} ({status}) to contain \"{causeContains}\", but it is {(cause is null ? "empty" : "\"" + cause + "\"")}.");
        }
    }

    /// <summary>
    /// A context for calling <paramref name="asset"/>'s body directly for <paramref name="partition"/>: its time window and
    /// static key worked out from the asset's partitions definition, as the executor does. Give the upstream rows with
    /// <see cref="TestAssetContext.WithUpstream"/>.
    /// </summary>
    public TestAssetContext ContextFor(string asset, string? partition = null)
    {
        var definition = Graph.Get(asset);
        var key = GraphPartition(definition, partition);
        return new TestAssetContext(definition.Key.Value, key?.Value)
        {
            Window = StepContext.WindowOf(definition.Partitions, key),
            Static = StepContext.StaticKeyOf(definition.Partitions, key),
        };
    }

    /// <summary>
    /// Runs one asset's body with <paramref name="context"/> (from <see cref="ContextFor"/>) and returns the rows it
    /// produced, nothing published: parameters are bound as in a run (the context, the rows given for each upstream
    /// parameter in the shape it declares, services from <see cref="Services"/>), and an instance class is built from
    /// the services as in a run. For a body that returns a <see cref="MaterializeResult"/>, call it directly.
    /// </summary>
    public async Task<IReadOnlyList<T>> RunBodyAsync<T>(TestAssetContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var definition = Graph.Get(context.Asset.Value);
        if (definition.Output.Kind == AssetOutputKind.Report)
        {
            throw new InvalidOperationException($"{definition.Location} returns a MaterializeResult, not rows: call it directly with the context.");
        }

        if (definition.Output.RecordType is { } recordType && !typeof(T).IsAssignableFrom(recordType))
        {
            throw new ArgumentException($"{definition.Location} produces {recordType.Name} rows: call RunBodyAsync<{recordType.Name}>.", nameof(T));
        }

        await using var scope = _services.CreateAsyncScope();
        var owned = new List<object>();
        try
        {
            var arguments = await ParameterBinder.BindAsync(
                definition.Parameters, context, scope.ServiceProvider, b => context.RowsOf(b.Dependency.Upstream), cancellationToken).ConfigureAwait(false);
            object? value;
            try
            {
                value = await MethodCalls.InvokeAsync(definition.Method, StepExecution.TargetOf(definition.Method, scope.ServiceProvider, owned), arguments).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                throw MethodCalls.Rethrow(e);
            }

            var rows = new List<T>();
            switch (value)
            {
                case null:
                    throw new InvalidOperationException($"{definition.Location} returned null: return the rows (an empty collection when there are none).");
                case T single when definition.Output.Kind == AssetOutputKind.SingleRecord:
                    rows.Add(single);
                    break;
                case IAsyncEnumerable<T> stream:
                    await foreach (var row in stream.WithCancellation(cancellationToken).ConfigureAwait(false))
                    {
                        rows.Add(row);
                    }

                    break;
                case IEnumerable collection:
                    rows.AddRange(collection.Cast<T>());
                    break;
                default:
                    throw new InvalidOperationException($"{definition.Location} returned a {value.GetType().Name}, which is not rows of {typeof(T).Name}.");
            }

            return rows;
        }
        finally
        {
            await StepExecution.DisposeAllAsync(owned).ConfigureAwait(false);
        }
    }

    /// <summary>Closes the in-memory store and the services.</summary>
    public async ValueTask DisposeAsync()
    {
        await _metadata.DisposeAsync().ConfigureAwait(false);
        await _services.DisposeAsync().ConfigureAwait(false);
    }

    private AssetPartition PartitionOf(string asset, string? partition)
    {
        var definition = Graph.Get(asset);
        return new AssetPartition(definition.Key, GraphPartition(definition, partition));
    }

    private static PartitionKey? GraphPartition(AssetDefinition definition, string? partition)
        => (definition.Partitions, partition) switch
        {
            ({ } partitions, null) => throw new ArgumentException($"{definition.Key} is partitioned ({partitions.Describe()}): name a partition ({partitions.DescribeKeyForm()}).", nameof(partition)),
            _ => AssetGraph.ParsePartition(definition, partition),
        };

    private async Task<string> DescribeStateAsync(AssetPartition partition, CancellationToken cancellationToken)
        => await _metadata.GetStateAsync(partition, cancellationToken).ConfigureAwait(false) is { } state
            ? state.Status + (state.Cause is { } cause ? " - " + cause : string.Empty)
            : "never materialized";
}

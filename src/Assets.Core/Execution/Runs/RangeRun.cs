using System.Collections;
using Assets.Graph;
using Assets.Partitions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Assets.Execution;

/// <summary>
/// One call of a range-capable asset's body (<see cref="RangeRunsAttribute"/>) shared by the steps of its partitions:
/// the first step of an attempt that needs its rows calls the body once with the whole range (its upstream parameters
/// hold every upstream partition the range reads), the rows are split by <see cref="RangeRunPolicy.PartitionBy"/>,
/// and each partition's step stages, checks and publishes its own share atomically with its own pointer, exactly as
/// a step of one partition does. A retry of any step calls the body again for that attempt number.
/// </summary>
internal sealed class RangeRun
{
    private readonly ExecutionEnvironment _env;
    private readonly AssetDefinition _asset;
    private readonly TimeWindowPartitionsDefinition _definition;
    private readonly RangeRunPolicy _policy;
    private readonly IReadOnlyList<AssetPartition> _partitions;
    private readonly Dictionary<int, Task<Output>> _attempts = [];
    private readonly Lock _gate = new();

    public RangeRun(ExecutionEnvironment env, IReadOnlyList<AssetPartition> partitions)
    {
        _env = env;
        _partitions = partitions;
        _asset = env.Graph[partitions[0].Asset];
        _definition = (TimeWindowPartitionsDefinition)_asset.Partitions!;
        _policy = _asset.RangeRuns!;
    }

    /// <summary>The range, as the body sees it.</summary>
    public PartitionKeyRange Range
        => new(_partitions.Select(p => p.Partition!.Value).ToArray(), new NodaTime.Interval(
            _definition.GetWindow(_partitions[0].Partition!.Value).Start.ToInstant(), _definition.GetWindow(_partitions[^1].Partition!.Value).End.ToInstant()));

    /// <summary>The rows of <paramref name="partition"/> from attempt <paramref name="attempt"/>'s call of the body, and the metadata the body attached.</summary>
    public async Task<(IReadOnlyList<object> Rows, IReadOnlyDictionary<string, object?> Metadata)> RowsOfAsync(AssetPartition partition, int attempt, CancellationToken cancellationToken)
    {
        Task<Output> call;
        lock (_gate)
        {
            if (!_attempts.TryGetValue(attempt, out call!))
            {
                call = CallAsync(attempt, cancellationToken);
                _attempts[attempt] = call;
            }
        }

        var output = await call.WaitAsync(cancellationToken).ConfigureAwait(false);
        return (output.Rows.TryGetValue(partition.Partition!.Value, out var rows) ? rows : [], output.Metadata);
    }

    private async Task<Output> CallAsync(int attempt, CancellationToken cancellationToken)
    {
        // Off the caller's step: the body may be synchronous and slow.
        await Task.Yield();
        var now = _env.Clock.GetCurrentInstant();
        var inputs = new UpstreamInputs(_env.Store, MergeUpstream(now));
        var first = _partitions[0];
        var logger = new StepLogger(_env.LoggerFactory.CreateLogger(_asset.Method.DeclaringType?.FullName ?? "Assets"), first, _env.Run, attempt);
        var context = new StepContext(first, _definition.GetWindow(first.Partition!.Value), null, _env.Run, attempt, logger, inputs) { RangeOverride = Range };
        var scope = (_env.Services.GetService(typeof(IServiceScopeFactory)) as IServiceScopeFactory)?.CreateAsyncScope();
        var owned = new List<object>();
        try
        {
            var services = scope?.ServiceProvider ?? _env.Services;
            var arguments = await ParameterBinder.BindAsync(
                _asset.Parameters, context, services, b => inputs.ReadAsync(b.RecordType, b.Dependency.Upstream, cancellationToken), cancellationToken).ConfigureAwait(false);
            var value = await MethodCalls.InvokeAsync(_asset.Method, StepExecution.TargetOf(_asset.Method, services, owned), arguments).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"{_asset.Location} returned null for the range {Range}: return the rows (an empty collection when there are none).");
            var rows = _asset.Output.Kind == AssetOutputKind.RowStream
                ? RecordStreams.FromTyped(_asset.Output.RecordType!, value)
                : RecordStreams.FromCollection((IEnumerable)value, cancellationToken);
            var buckets = _partitions.ToDictionary(p => p.Partition!.Value, _ => new List<object>());
            await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (row is null)
                {
                    throw new NonRetryableException($"{_asset.Location} returned a null row for the range {Range}: rows must not be null.");
                }

                var key = _policy.PartitionOf(row, _definition);
                if (key is not { } k || !buckets.TryGetValue(k, out var bucket))
                {
                    throw new NonRetryableException(
                        $"{_asset.Location} returned a row whose {_policy.PartitionBy.Name} ({_policy.PartitionBy.GetValue(row) ?? "null"}) "
                        + $"{(key is { } outside ? $"belongs to partition {outside}" : "names no partition")}, outside the range {Range} it was asked for: return only rows of the range.");
                }

                bucket.Add(row);
            }

            return new Output(buckets.ToDictionary(b => b.Key, b => (IReadOnlyList<object>)b.Value), context.Metadata);
        }
        finally
        {
            await StepExecution.DisposeAllAsync(owned).ConfigureAwait(false);
            if (scope is { } s)
            {
                await s.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Per dependency, the upstream partitions any partition of the range reads, each once, in order.</summary>
    private List<(AssetDependency Dependency, Mappings.MappedPartitions Partitions)> MergeUpstream(NodaTime.Instant now)
    {
        var merged = new List<(AssetDependency, Mappings.MappedPartitions)>();
        var perPartition = _partitions.Select(p => _env.Graph.GetUpstreamPartitions(p, now)).ToList();
        for (var d = 0; d < _asset.Dependencies.Count; d++)
        {
            var keys = new List<PartitionKey?>();
            var seen = new HashSet<PartitionKey?>();
            var outside = new List<string>();
            foreach (var mapped in perPartition)
            {
                keys.AddRange(mapped[d].Partitions.Keys.Where(seen.Add));
                outside.AddRange(mapped[d].Partitions.OutsideUpstreamRange);
            }

            merged.Add((_asset.Dependencies[d], new Mappings.MappedPartitions(keys, outside.Distinct().ToArray())));
        }

        return merged;
    }

    private sealed record Output(IReadOnlyDictionary<PartitionKey, IReadOnlyList<object>> Rows, IReadOnlyDictionary<string, object?> Metadata);
}

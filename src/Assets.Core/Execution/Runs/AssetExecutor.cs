using System.Threading.Channels;
using Assets.Graph;
using Assets.Metadata;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Assets.Execution;

/// <summary>
/// Runs the steps of a run: each (asset, partition) once every step it depends on has published, at most
/// <see cref="ExecutionOptions.MaxParallelism"/> at a time, ready steps in the order given. Each step claims its
/// partition's lease, runs the asset body with retries of transient errors (from the asset's
/// <see cref="RetryPolicy"/>), stages the output, runs the checks and publishes or quarantines it. A step whose
/// dependency did not publish is skipped with the cause; independent branches go on. Every run and step event is
/// appended to the <see cref="IMetadataStore"/>.
/// <para>
/// Cancellation (Ctrl+C, SIGTERM) does not throw: in-flight steps are cancelled (their materializations abandoned,
/// so leases are released and nothing partial is published), steps not started end <see cref="StepOutcome.Cancelled"/>,
/// the run records <see cref="RunEventKind.RunCancelled"/>, and <see cref="RunAsync"/> returns the summary.
/// </para>
/// Thread-safe: several runs may go on at once (their partitions are guarded by the leases).
/// </summary>
public sealed class AssetExecutor
{
    private readonly AssetGraph _graph;
    private readonly IMaterializationStore _store;
    private readonly IMetadataStore _metadata;
    private readonly IServiceProvider _services;
    private readonly IClock _clock;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly ExecutionOptions _options;

    /// <summary>Creates the executor.</summary>
    /// <param name="graph">The assets.</param>
    /// <param name="store">Where materializations are staged and published and upstream data is read.</param>
    /// <param name="metadata">Where run and step events are appended.</param>
    /// <param name="services">
    /// The host's services: asset parameters that are services, and the classes of instance asset methods (built with
    /// their dependencies when not registered). Each attempt gets its own scope when the provider supports scopes.
    /// </param>
    /// <param name="clock">The clock of events, check results and "as of" for partition mappings.</param>
    /// <param name="loggerFactory">Loggers for the executor and the asset bodies.</param>
    /// <param name="options">How to run; default <see cref="ExecutionOptions"/>.</param>
    public AssetExecutor(
        AssetGraph graph,
        IMaterializationStore store,
        IMetadataStore metadata,
        IServiceProvider services,
        IClock clock,
        ILoggerFactory loggerFactory,
        ExecutionOptions? options = null)
    {
        _graph = Preconditions.CheckNotNull(graph);
        _store = Preconditions.CheckNotNull(store);
        _metadata = Preconditions.CheckNotNull(metadata);
        _services = Preconditions.CheckNotNull(services);
        _clock = Preconditions.CheckNotNull(clock);
        _loggerFactory = Preconditions.CheckNotNull(loggerFactory);
        _logger = loggerFactory.CreateLogger(typeof(AssetExecutor).FullName!);
        _options = options ?? new ExecutionOptions();
    }

    /// <summary>
    /// Runs <paramref name="steps"/> as run <paramref name="run"/> and returns what each did, in the order given.
    /// Throws <see cref="ArgumentException"/> before running anything when a step names an asset not in the graph,
    /// appears twice, depends on a partition that is not a step of the run, or the dependencies form a cycle.
    /// Cancelling <paramref name="cancellationToken"/> stops the run cleanly and still returns its summary
    /// (<see cref="RunOutcome.Cancelled"/>).
    /// </summary>
    public async Task<RunSummary> RunAsync(
        IReadOnlyList<ExecutionStep> steps,
        RunId run,
        IProgress<StepUpdate>? progress = null,
        CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(steps);
        var order = StepOrder.Create(steps, _graph);
        var time = _options.TimeProvider;
        var startedAt = _clock.GetCurrentInstant();
        var started = time.GetTimestamp();
        using var activity = AssetsTelemetry.ActivitySource.StartActivity(AssetsTelemetry.RunSpan);
        activity?.SetTag(AssetsTelemetry.RunTag, run.Value);
        activity?.SetTag("assets.steps", steps.Count);
        var events = new RunEvents(_metadata, _clock, run, _logger);
        var env = new ExecutionEnvironment(_graph, _store, _metadata, _services, _clock, _loggerFactory, _logger, _options, run, events, progress);
        env = env with { RangeRuns = RangeRunsOf(steps, env), Observations = _metadata as Sources.ISourceObservationStore };

        await events.AppendAsync(RunEventKind.RunStarted, message: $"{steps.Count} steps, at most {_options.MaxParallelism} at once").ConfigureAwait(false);
        ExecutorLog.RunStarted(_logger, run, steps.Count, _options.MaxParallelism);

        var results = new StepResult?[steps.Count];
        var waitingFor = order.Dependencies.Select(d => d.Count).ToArray();
        var ready = new SortedSet<int>(Enumerable.Range(0, steps.Count).Where(i => waitingFor[i] == 0));
        var completions = Channel.CreateUnbounded<(int Index, StepResult Result)>();
        var running = 0;
        while (true)
        {
            while (!cancellationToken.IsCancellationRequested && running < _options.MaxParallelism && ready.Count > 0)
            {
                var index = ready.Min;
                ready.Remove(index);
                running++;
                _ = RunStepAsync(env, index, steps[index], completions.Writer, cancellationToken);
            }

            if (running == 0)
            {
                break;
            }

            var (finished, result) = await completions.Reader.ReadAsync(CancellationToken.None).ConfigureAwait(false);
            running--;
            results[finished] = result;
            progress?.Report(new StepUpdate(result.Partition, StepPhase.Finished, result.Attempts, result.Cause, result));
            if (result.Outcome == StepOutcome.Published)
            {
                foreach (var dependent in order.Dependents[finished])
                {
                    if (results[dependent] is null && --waitingFor[dependent] == 0)
                    {
                        ready.Add(dependent);
                    }
                }
            }
            else if (result.Outcome != StepOutcome.Cancelled)
            {
                await SkipDownstreamAsync(env, order, results, finished, result).ConfigureAwait(false);
            }
        }

        for (var i = 0; i < results.Length; i++)
        {
            if (results[i] is null)
            {
                var cancelled = StepResult.NotRun(steps[i].Partition, StepOutcome.Cancelled, "the run was cancelled before this step started");
                results[i] = cancelled;
                ExecutionMetrics.Finished(cancelled);
                progress?.Report(new StepUpdate(cancelled.Partition, StepPhase.Finished, 0, cancelled.Cause, cancelled));
            }
        }

        var stepResults = results.Select(r => r!).ToArray();
        var outcome = cancellationToken.IsCancellationRequested && stepResults.Any(r => r.Outcome == StepOutcome.Cancelled)
            ? RunOutcome.Cancelled
            : stepResults.Any(r => r.Outcome is StepOutcome.Failed or StepOutcome.Quarantined)
                ? RunOutcome.Failed
                : RunOutcome.Completed;
        var summary = new RunSummary(run, outcome, startedAt, Duration.FromTimeSpan(time.GetElapsedTime(started)), stepResults);
        var kind = outcome switch
        {
            RunOutcome.Cancelled => RunEventKind.RunCancelled,
            RunOutcome.Failed => RunEventKind.RunFailed,
            _ => RunEventKind.RunCompleted,
        };
        var description = summary.Describe();
        await events.AppendAsync(kind, message: description).ConfigureAwait(false);
        ExecutorLog.RunFinished(_logger, run, outcome, description);
        ExecutionMetrics.RunFinished(outcome, summary.Duration);
        activity?.SetTag(AssetsTelemetry.OutcomeTag, outcome.ToString());
        if (outcome == RunOutcome.Failed)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, description);
        }

        return summary;
    }

    private static async Task RunStepAsync(ExecutionEnvironment env, int index, ExecutionStep step, ChannelWriter<(int, StepResult)> completions, CancellationToken cancellationToken)
    {
        var partition = step.Partition;
        StepResult result;
        using var slot = new HeldSlot(env.Options.Slots, env.Options.Priority);
        try
        {
            try
            {
                await slot.AcquireAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                completions.TryWrite((index, StepResult.NotRun(partition, StepOutcome.Cancelled, "the run was cancelled before this step started")));
                return;
            }

            // Off the scheduling loop: a body may be synchronous and slow.
            result = await Task.Run(() => new StepExecution(env, partition, step.Reason, slot, cancellationToken).RunAsync(), CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A bug here must end this step, not the scheduling loop that waits for it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            result = StepResult.NotRun(partition, StepOutcome.Failed, $"{e.GetType().Name}: {e.Message}");
        }
        finally
        {
            slot.Release();
        }

        completions.TryWrite((index, result));
    }

    /// <summary>One shared body call per distinct <see cref="ExecutionStep.RunsWith"/> list, by each of its partitions.</summary>
    private static Dictionary<AssetPartition, RangeRun> RangeRunsOf(IReadOnlyList<ExecutionStep> steps, ExecutionEnvironment env)
    {
        var runs = new Dictionary<AssetPartition, RangeRun>();
        var inRun = steps.Select(s => s.Partition).ToHashSet();
        foreach (var step in steps)
        {
            if (step.RunsWith is not { Count: > 1 } together || runs.ContainsKey(step.Partition))
            {
                continue;
            }

            var asset = env.Graph[step.Partition.Asset];
            if (asset.RangeRuns is null || together.Any(p => p.Asset != asset.Key || !inRun.Contains(p)) || !together.Contains(step.Partition))
            {
                throw new ArgumentException(
                    $"{step.Partition} runs with {string.Join(", ", together)}: a range run needs an asset with [RangeRuns], partitions of that asset only, each a step of the run.", nameof(steps));
            }

            var shared = new RangeRun(env, together);
            foreach (var partition in together)
            {
                runs[partition] = shared;
            }
        }

        return runs;
    }

    /// <summary>Skips every step downstream of <paramref name="root"/>, transitively, naming <paramref name="root"/> as the cause.</summary>
    private static async Task SkipDownstreamAsync(ExecutionEnvironment env, StepOrder order, StepResult?[] results, int root, StepResult rootResult)
    {
        var cause = rootResult.DownstreamSkipCause();

        var pending = new Stack<int>(order.Dependents[root]);
        while (pending.TryPop(out var index))
        {
            if (results[index] is not null)
            {
                continue;
            }

            var skipped = StepResult.NotRun(order.Steps[index].Partition, StepOutcome.Skipped, cause);
            results[index] = skipped;
            await env.Events.AppendAsync(RunEventKind.StepSkipped, skipped.Partition, message: cause).ConfigureAwait(false);
            ExecutorLog.Skipped(env.Logger, skipped.Partition, cause);
            ExecutionMetrics.Finished(skipped);
            env.Progress?.Report(new StepUpdate(skipped.Partition, StepPhase.Finished, 0, cause, skipped));
            foreach (var dependent in order.Dependents[index])
            {
                pending.Push(dependent);
            }
        }
    }
}

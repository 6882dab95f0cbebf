using System.Collections;
using System.Diagnostics;
using System.Reflection;
using Assets.Graph;
using Assets.Metadata;
using Assets.Planning;
using Assets.Sources;
using Microsoft.Extensions.DependencyInjection;
using Polly;
using Polly.Retry;

namespace Assets.Execution;

/// <summary>
/// One step: the attempt loop of one (asset, partition). Each attempt begins its own materialization (a new id,
/// so a retry never adds to a failed attempt's data), runs the body, stages the output, runs the checks, then
/// publishes or quarantines. A failed attempt's materialization stays open until the retry decision: abandoned
/// (disposed) when another attempt follows, marked failed when none does. Cancellation abandons it.
/// </summary>
internal sealed class StepExecution
{
    private readonly ExecutionEnvironment _env;
    private readonly AssetDefinition _asset;
    private readonly AssetPartition _partition;
    private readonly string? _reason;
    private readonly HeldSlot _slot;
    private readonly CancellationToken _cancellationToken;
    private int _attempts;
    private long _startedAt;
    private IMaterialization? _open;
    private LeaseWait? _leaseWait;

    public StepExecution(ExecutionEnvironment env, AssetPartition partition, string? reason, HeldSlot slot, CancellationToken cancellationToken)
    {
        _env = env;
        _asset = env.Graph[partition.Asset];
        _partition = partition;
        _reason = reason;
        _slot = slot;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The step's span while it runs (retries are events on it).</summary>
    private Activity? _activity;

    public async Task<StepResult> RunAsync()
    {
        _startedAt = _env.Options.TimeProvider.GetTimestamp();
        ExecutionMetrics.Started(_partition);
        using var activity = AssetsTelemetry.StartActivity(AssetsTelemetry.StepSpan, _partition, _env.Run);
        _activity = activity;

        var pipeline = RetryPipelines.For<StepResult>(_asset.Retry, _env.Options.TimeProvider);
        var retryContext = RetryPipelines.ContextFor<StepResult>(OnRetryAsync, _cancellationToken);
        StepResult result;
        try
        {
            result = await pipeline.ExecuteAsync(static (context, self) => self.AttemptAsync(context.CancellationToken), retryContext, this).ConfigureAwait(false);
        }
        catch (Exception) when (_cancellationToken.IsCancellationRequested)
        {
            // Whatever the body threw once the run was cancelled, the run's cancellation is the cause.
            result = await CancelledAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Every failure of a step is its outcome; the run goes on with the other branches.
        catch (Exception e)
#pragma warning restore CA1031
        {
            result = await FailedAsync(MethodCalls.Unwrap(e)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(retryContext);
        }

        activity?.SetTag(AssetsTelemetry.OutcomeTag, result.Outcome.ToString());
        activity?.SetTag("assets.attempts", result.Attempts);
        if (result.Outcome is StepOutcome.Failed or StepOutcome.Quarantined)
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.Cause);
        }

        ExecutionMetrics.Finished(result);
        return result;
    }

    private async ValueTask<StepResult> AttemptAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await AttemptCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TargetInvocationException e)
        {
            // A constructor of an instance asset's class, built by ActivatorUtilities, threw.
            throw MethodCalls.Rethrow(e);
        }
    }

    private async Task<StepResult> AttemptCoreAsync(CancellationToken cancellationToken)
    {
        var attempt = ++_attempts;
        await _env.Events.AppendAsync(RunEventKind.StepStarted, _partition, attempt, attempt == 1 ? _reason : null).ConfigureAwait(false);
        _env.Progress?.Report(new StepUpdate(_partition, StepPhase.Started, attempt, null, null));
        ExecutorLog.AttemptStarted(_env.Logger, _partition, attempt);

        // A lease held by another run is waited for here (bounded); what that run published may leave nothing to do.
        _leaseWait ??= new LeaseWait(_env, _partition);
        if (await _leaseWait.BeginAsync(attempt, _slot, cancellationToken).ConfigureAwait(false) is not { } materialization)
        {
            return await DoneByAnotherRunAsync(cancellationToken).ConfigureAwait(false);
        }

        _open = materialization;

        var inputs = new UpstreamInputs(_env.Store, _env.Graph.GetUpstreamPartitions(_partition, _env.Clock.GetCurrentInstant()));
        IReadOnlyList<UpstreamVersion> upstreamVersions = await inputs.ReadVersionsAsync(cancellationToken).ConfigureAwait(false);
        var window = StepContext.WindowOf(_asset.Partitions, _partition.Partition);
        var logger = new StepLogger(_env.LoggerFactory.CreateLogger(_asset.Method.DeclaringType?.FullName ?? "Assets"), _partition, _env.Run, attempt);
        var context = new StepContext(_partition, window, StepContext.StaticKeyOf(_asset.Partitions, _partition.Partition), _env.Run, attempt, logger, inputs);

        var scope = (_env.Services.GetService(typeof(IServiceScopeFactory)) as IServiceScopeFactory)?.CreateAsyncScope();
        var owned = new List<object>();
        try
        {
            var services = scope?.ServiceProvider ?? _env.Services;
            if (_asset.SourceObserver is not null)
            {
                // Observed before the body reads it: a source replaced meanwhile is observed again later and found changed,
                // so the partition is refreshed once more, never left built from a version it does not record.
                upstreamVersions = [.. upstreamVersions, await ObserveSourceAsync(services, cancellationToken).ConfigureAwait(false)];
            }

            long? rows;
            MaterializeResult? reported = null;
            IReadOnlyDictionary<string, object?>? rangeMetadata = null;
            if (_env.RangeRuns.TryGetValue(_partition, out var rangeRun))
            {
                // One call of the body for the whole range, shared with the range's other steps; this step stages its share.
                var (share, attached) = await rangeRun.RowsOfAsync(_partition, attempt, cancellationToken).ConfigureAwait(false);
                rows = await materialization.WriteRowsAsync(_asset.Output.RecordType!, RecordStreams.FromCollection(share, cancellationToken), cancellationToken).ConfigureAwait(false);
                rangeMetadata = attached;
            }
            else
            {
                var arguments = await ParameterBinder.BindAsync(
                    _asset.Parameters, context, services, b => inputs.ReadAsync(b.RecordType, b.Dependency.Upstream, cancellationToken), cancellationToken).ConfigureAwait(false);
                var value = await MethodCalls.InvokeAsync(_asset.Method, TargetOf(_asset.Method, services, owned), arguments).ConfigureAwait(false);
                (rows, reported) = await WriteOutputAsync(materialization, value, cancellationToken).ConfigureAwait(false);
            }

            var metadata = context.Metadata;
            if (rangeMetadata is not null)
            {
                foreach (var (key, item) in rangeMetadata)
                {
                    metadata[key] = item;
                }
            }

            if (reported?.Metadata is { } reportedMetadata)
            {
                foreach (var (key, item) in reportedMetadata)
                {
                    metadata[key] = item;
                }
            }

            var (checks, warnings) = await RunChecksAsync(materialization, context, services, owned, cancellationToken).ConfigureAwait(false);
            var blocking = checks.Where(c => c.Blocking && !c.Passed).ToList();
            if (blocking.Count > 0)
            {
                var cause = string.Join("; ", blocking.Select(c => $"Blocking check {c.CheckName} failed: {c.Description}"));
                await materialization.QuarantineAsync(cause, checks, cancellationToken).ConfigureAwait(false);
                await CloseAsync(materialization).ConfigureAwait(false);
                await _env.Events.AppendAsync(RunEventKind.StepQuarantined, _partition, attempt, cause).ConfigureAwait(false);
                ExecutorLog.Quarantined(_env.Logger, _partition, cause);
                return Result(StepOutcome.Quarantined, cause, null, materialization.Id, rows, null, checks, warnings);
            }

            string dataVersion;
            using (AssetsTelemetry.StartActivity(AssetsTelemetry.PublishSpan, _partition, _env.Run))
            {
                dataVersion = await materialization.PublishAsync(
                    _asset.CodeVersion, upstreamVersions, window?.Interval, metadata, reported?.DataVersion, checks, cancellationToken).ConfigureAwait(false);
            }

            ExecutionMetrics.Published(_partition, rows);

            await CloseAsync(materialization).ConfigureAwait(false);
            await _env.Events.AppendAsync(
                RunEventKind.StepPublished, _partition, attempt, rows is { } count ? $"{count} rows, data version {dataVersion}" : $"data version {dataVersion}").ConfigureAwait(false);
            ExecutorLog.Published(_env.Logger, _partition, attempt, rows, dataVersion);
            return Result(StepOutcome.Published, null, null, materialization.Id, rows, dataVersion, checks, warnings);
        }
        finally
        {
            await DisposeAllAsync(owned).ConfigureAwait(false);
            if (scope is { } s)
            {
                await s.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Observes the partition's source and records the observation: absent, it throws <see cref="SourceNotArrivedException"/>
    /// (the step waits, or fails past its deadline) before the body runs; present, it returns the entry that records the
    /// version the materialization is built from.
    /// </summary>
    private async Task<UpstreamVersion> ObserveSourceAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var observation = await SourceObservers.ObserveAsync(_asset, _partition.Partition, services, cancellationToken).ConfigureAwait(false);
        if (_env.Observations is { } store)
        {
            await store.RecordObservationsAsync([ObservedSource.Of(_partition, observation, _env.Clock.GetCurrentInstant())], cancellationToken).ConfigureAwait(false);
        }

        return observation.Arrived
            ? StatusEvaluator.SourceVersionEntry(_partition, observation.Version!)
            : throw new SourceNotArrivedException(observation.Description);
    }

    private async Task<(long? Rows, MaterializeResult? Reported)> WriteOutputAsync(IMaterialization materialization, object? value, CancellationToken cancellationToken)
    {
        var output = _asset.Output;
        if (value is null)
        {
            throw new InvalidOperationException(
                $"{_asset.Location} returned null for {_partition}: return "
                + (output.Kind == AssetOutputKind.Report ? "a MaterializeResult." : "the rows (an empty collection when there are none)."));
        }

        IAsyncEnumerable<object?> rows;
        switch (output.Kind)
        {
            case AssetOutputKind.Report:
                return (null, (MaterializeResult)value);
            case AssetOutputKind.RowStream:
                rows = RecordStreams.FromTyped(output.RecordType!, value);
                break;
            case AssetOutputKind.SingleRecord:
                rows = RecordStreams.FromCollection(new[] { value }, cancellationToken);
                break;
            default:
                rows = RecordStreams.FromCollection((IEnumerable)value, cancellationToken);
                break;
        }

        return (await materialization.WriteRowsAsync(output.RecordType!, rows, cancellationToken).ConfigureAwait(false), null);
    }

    /// <summary>
    /// Runs every check on the staged rows. A check that throws did not pass (its description says why), unless the
    /// error is transient: then the attempt fails and is retried as a whole.
    /// </summary>
    private async Task<(IReadOnlyList<CheckRecord> Checks, IReadOnlyList<string> Warnings)> RunChecksAsync(
        IMaterialization materialization, StepContext context, IServiceProvider services, List<object> owned, CancellationToken cancellationToken)
    {
        var records = new List<CheckRecord>(_asset.Checks.Count);
        var warnings = new List<string>();
        foreach (var check in _asset.Checks)
        {
            CheckResult result;
            using var activity = AssetsTelemetry.StartActivity(AssetsTelemetry.CheckSpan, _partition, _env.Run);
            activity?.SetTag(AssetsTelemetry.CheckTag, check.Name);
            try
            {
                var arguments = await ParameterBinder.BindAsync(
                    check.Parameters, context, services, b => materialization.ReadStagedAsync(b.RecordType, cancellationToken), cancellationToken).ConfigureAwait(false);
                result = await MethodCalls.InvokeAsync(check.Method, TargetOf(check.Method, services, owned), arguments).ConfigureAwait(false) as CheckResult
                    ?? CheckResult.Fail($"{check.Location} returned null instead of a CheckResult.");
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && !TransientErrors.IsTransient(MethodCalls.Unwrap(e), cancellationToken))
            {
                var error = MethodCalls.Unwrap(e);
                result = CheckResult.Fail($"the check could not be evaluated: {error.GetType().Name}: {error.Message}");
            }

            activity?.SetTag(AssetsTelemetry.PassedTag, result.Passed);
            ExecutionMetrics.CheckEvaluated(_partition, check.Name, result.Passed);
            var record = new CheckRecord(_partition, materialization.Id, check.Name, result.Passed, check.Blocking, result.Description, _env.Clock.GetCurrentInstant());
            records.Add(record);
            await _env.Events.AppendAsync(
                RunEventKind.CheckEvaluated, _partition, context.Attempt,
                $"{check.Name} {(result.Passed ? "passed" : "failed")}{(result.Description is { } d ? ": " + d : string.Empty)}").ConfigureAwait(false);
            if (!result.Passed && !check.Blocking)
            {
                warnings.Add($"Check {check.Name} failed: {result.Description}");
                ExecutorLog.CheckWarning(_env.Logger, _partition, check.Name, result.Description);
            }
        }

        return (records, warnings);
    }

    private async ValueTask OnRetryAsync(OnRetryArguments<StepResult> args)
    {
        // This attempt will be retried: abandon its materialization (its lease is released, nothing published).
        await AbandonAsync().ConfigureAwait(false);
        var error = MethodCalls.Unwrap(args.Outcome.Exception!);
        var attempt = args.AttemptNumber + 1;
        var delay = DurationText.Format(NodaTime.Duration.FromTimeSpan(args.RetryDelay));
        var message = $"{Describe(error)}; retrying in {delay}";
        await _env.Events.AppendAsync(RunEventKind.StepRetrying, _partition, attempt, message).ConfigureAwait(false);
        _env.Progress?.Report(new StepUpdate(_partition, StepPhase.Retrying, attempt, message, null));
        ExecutionMetrics.Retried(_partition);
        _activity?.AddEvent(new ActivityEvent(AssetsTelemetry.RetryEvent, tags: new ActivityTagsCollection
        {
            [AssetsTelemetry.AttemptTag] = attempt,
            ["exception.type"] = error.GetType().FullName,
            ["assets.retry_delay_s"] = args.RetryDelay.TotalSeconds,
        }));
        ExecutorLog.Retrying(_env.Logger, error, _partition, attempt, delay, Describe(error));
    }

    private async Task<StepResult> FailedAsync(Exception error)
    {
        var waiting = error is SourceNotArrivedException;
        var message = Describe(error);
        if (waiting && _asset.SourceObserver?.DeadlineFor(StepContext.WindowOf(_asset.Partitions, _partition.Partition)) is { } deadline
            && _env.Clock.GetCurrentInstant() >= deadline)
        {
            // Past the late-data deadline an absent source is a failure someone must look at, not a wait.
            waiting = false;
            message = SourceObserverDefinition.NotArrivedBy(deadline, ((SourceNotArrivedException)error).Source);
        }

        if (_open is { } materialization)
        {
            _open = null;
            try
            {
                await (waiting
                    ? materialization.WaitForSourceAsync(message, CancellationToken.None)
                    : materialization.FailAsync(message, CancellationToken.None)).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The step already failed; failing to record it must not hide the first error.
            catch (Exception e)
#pragma warning restore CA1031
            {
                ExecutorLog.CleanupFailed(_env.Logger, e, _partition);
            }
            finally
            {
                await DisposeQuietlyAsync(materialization).ConfigureAwait(false);
            }
        }

        if (waiting)
        {
            await _env.Events.AppendAsync(RunEventKind.StepWaiting, _partition, _attempts, message).ConfigureAwait(false);
            ExecutorLog.Waiting(_env.Logger, _partition, message);
            return Result(StepOutcome.Waiting, message, error.GetType().FullName, null, null, null, [], []);
        }

        await _env.Events.AppendAsync(RunEventKind.StepFailed, _partition, _attempts, message).ConfigureAwait(false);
        ExecutorLog.Failed(_env.Logger, error, _partition, _attempts, message);
        return Result(StepOutcome.Failed, message, error.GetType().FullName, null, null, null, [], []);
    }

    private async Task<StepResult> DoneByAnotherRunAsync(CancellationToken cancellationToken)
    {
        var message = _leaseWait is { PublishedSincePlanned: true }
            ? "another run published it after this run was planned; nothing left to do"
            : $"{LeaseWait.Name(_leaseWait?.Holder)} published it while this run waited for its lease; nothing left to do";
        await _env.Events.AppendAsync(RunEventKind.StepSkipped, _partition, _attempts, message).ConfigureAwait(false);
        ExecutorLog.DoneByAnotherRun(_env.Logger, _partition, message);
        var dataVersion = await _env.Store.GetDataVersionAsync(_partition, cancellationToken).ConfigureAwait(false);
        return Result(StepOutcome.Published, message, null, null, null, dataVersion, [], []);
    }

    private async Task<StepResult> CancelledAsync()
    {
        await AbandonAsync().ConfigureAwait(false);
        ExecutorLog.Cancelled(_env.Logger, _partition, _attempts);
        return Result(StepOutcome.Cancelled, "the run was cancelled while this step ran; nothing was published", null, null, null, null, [], []);
    }

    private async Task AbandonAsync()
    {
        if (_open is { } materialization)
        {
            _open = null;
            await DisposeQuietlyAsync(materialization).ConfigureAwait(false);
        }
    }

    private async Task CloseAsync(IMaterialization materialization)
    {
        _open = null;
        await materialization.DisposeAsync().ConfigureAwait(false);
    }

    private async Task DisposeQuietlyAsync(IMaterialization materialization)
    {
        try
        {
            await materialization.DisposeAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Releasing is best effort once the step has its outcome; the lease expires anyway.
        catch (Exception e)
#pragma warning restore CA1031
        {
            ExecutorLog.CleanupFailed(_env.Logger, e, _partition);
        }
    }

    private StepResult Result(
        StepOutcome outcome, string? cause, string? errorType, MaterializationId? id, long? rows, string? dataVersion,
        IReadOnlyList<CheckRecord> checks, IReadOnlyList<string> warnings)
        => new(_partition, outcome, _attempts, NodaTime.Duration.FromTimeSpan(_env.Options.TimeProvider.GetElapsedTime(_startedAt)),
            cause, errorType, id, rows, dataVersion, checks, warnings);

    /// <summary>The object an instance method runs on: from the services, or built with its dependencies (then disposed by the step).</summary>
    internal static object? TargetOf(MethodInfo method, IServiceProvider services, List<object> owned)
    {
        if (method.IsStatic)
        {
            return null;
        }

        var type = method.DeclaringType!;
        if (services.GetService(type) is { } registered)
        {
            return registered;
        }

        var created = ActivatorUtilities.CreateInstance(services, type);
        owned.Add(created);
        return created;
    }

    internal static async Task DisposeAllAsync(List<object> owned)
    {
        foreach (var item in owned.Distinct())
        {
            switch (item)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    /// <summary>The error for people: a <see cref="NonRetryableException"/>'s own sentence, otherwise prefixed by its type.</summary>
    private static string Describe(Exception error)
        => error is NonRetryableException ? error.Message : $"{error.GetType().Name}: {error.Message}";
}

using Assets.Backfills;
using Assets.Execution;
using Assets.Graph;
using Assets.Hosting.CommandLine;
using Assets.Metadata;
using Assets.Planning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Assets.Hosting.Daemon;

/// <summary>
/// The work a daemon runs: materializations asked over HTTP (and by automation) and backfills, all sharing ONE
/// <see cref="StepSlots"/> (<c>Assets:Daemon:Slots</c>, default the core count) under its rule: current work first,
/// backfills never hold the last slot. Every run and backfill is tied to the daemon's stopping token;
/// <see cref="StopAsync"/> cancels them all and waits until each has ended cleanly (the executor's cancellation: in-flight
/// steps abandoned without partial publishes, leases released, the run recorded cancelled, a backfill recorded
/// <see cref="BackfillStatus.Cancelled"/>), which the daemon does before it disposes the metadata store. Thread-safe.
/// </summary>
internal sealed partial class DaemonWork : IAsyncDisposable
{
    /// <summary>The configuration key of the slot count.</summary>

    private readonly IServiceProvider _services;
    private readonly IMetadataStore _metadata;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _runs = [];
    private readonly Dictionary<BackfillId, RunningBackfill> _backfills = [];
    private bool _stopped;

    public DaemonWork(IServiceProvider services, IMetadataStore metadata, StepSlots slots, ILogger<DaemonWork> logger)
    {
        _services = services;
        _metadata = metadata;
        _logger = logger;
        Slots = slots;
        var backfills = metadata as IBackfillStore ?? throw new InvalidOperationException("The metadata store does not keep backfills.");
        Backfills = new BackfillRunner(
            services.GetRequiredService<AssetGraph>(),
            metadata,
            backfills,
            services.GetRequiredService<AssetsClock>(),
            Executors.BackfillRuns(services, metadata, Slots));
    }

    /// <summary>The step slots every run of the daemon shares.</summary>
    public StepSlots Slots { get; }

    /// <summary>Cancelled when the daemon stops (Ctrl+C, SIGTERM).</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>The daemon's backfills: list, get and steps read through it; runs go through this class.</summary>
    public BackfillRunner Backfills { get; }

    /// <summary>
    /// Runs <paramref name="plan"/> now as current work (<see cref="StepPriority.Current"/>) on the shared slots, at most
    /// <see cref="StepSlots.Count"/> steps at once. Cancelling <paramref name="cancellationToken"/>, or the daemon stopping,
    /// stops it cleanly and returns the summary (<see cref="RunOutcome.Cancelled"/>).
    /// </summary>
    /// <param name="plan">What to run.</param>
    /// <param name="origin">Who asked, for the logs: <c>api</c>, <c>automation</c>.</param>
    /// <param name="progress">Each step's updates.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <exception cref="DaemonStoppingException">The daemon is stopping: nothing was run.</exception>
    public Task<RunSummary> MaterializeAsync(Plan plan, string origin, IProgress<StepUpdate>? progress, CancellationToken cancellationToken)
        => MaterializeAsync(plan, origin, RunId.New(), Slots.Count, progress, cancellationToken);

    /// <summary>As <see cref="MaterializeAsync(Plan, string, IProgress{StepUpdate}, CancellationToken)"/>, as run <paramref name="run"/> with at most <paramref name="maxParallelism"/> of its steps at once.</summary>
    public async Task<RunSummary> MaterializeAsync(Plan plan, string origin, RunId run, int maxParallelism, IProgress<StepUpdate>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            ThrowIfStopped();
            _runs.Add(done.Task);
        }

        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
            var steps = Plural.Of(plan.Steps.Count, "step");
            LogRunStarted(run.Value, origin, steps);
            RunSummary summary;
            if (Executors.UseWorkers(_services))
            {
                // The shared mode's workers run it; the daemon follows it as the command would.
                var queuedOrigin = origin.StartsWith("automation", StringComparison.Ordinal) ? Execution.Queue.RunOrigin.Automation : Execution.Queue.RunOrigin.Materialize;
                summary = await new Workers.QueuedRunWaiter(_services).RunAsync(
                    plan.ToExecutionSteps(), run, queuedOrigin, StepPriority.Current, null, progress, note => WorkersLog.Note(_logger, $"run {run} ({origin})", note), linked.Token).ConfigureAwait(false);
            }
            else
            {
                var executor = Executors.Create(_services, _metadata, new ExecutionOptions { MaxParallelism = maxParallelism, Slots = Slots, Priority = StepPriority.Current, LeaseWait = Executors.LeaseWait(_services), StillNeededAfterLeaseWait = Executors.StillNeeded(_services, plan.Mode), PlannedAt = plan.AsOf });
                summary = await executor.RunAsync(plan.ToExecutionSteps(), run, progress, linked.Token).ConfigureAwait(false);
            }

            if (_logger.IsEnabled(LogLevel.Information))
            {
#pragma warning disable CA1873 // Guarded by IsEnabled just above.
                LogRunEnded(run.Value, origin, summary.Describe());
#pragma warning restore CA1873
            }

            return summary;
        }
        finally
        {
            lock (_gate)
            {
                _runs.Remove(done.Task);
            }

            done.SetResult();
        }
    }

    /// <summary>Records <paramref name="plan"/> as a new backfill and starts running it in the daemon, in the background; returns it once it runs.</summary>
    /// <exception cref="DaemonStoppingException">The daemon is stopping: nothing was recorded.</exception>
    public async Task<Backfill> StartBackfillAsync(BackfillPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        lock (_gate)
        {
            ThrowIfStopped();
        }

        var backfill = await Backfills.CreateAsync(plan, cancellationToken).ConfigureAwait(false);
        return await RunInBackgroundAsync(backfill.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resumes a backfill in the daemon, in the background; returns it once it runs.</summary>
    /// <exception cref="CommandUsageException">No such backfill, or it already completed.</exception>
    /// <exception cref="BackfillStateException">It is already running.</exception>
    /// <exception cref="DaemonStoppingException">The daemon is stopping.</exception>
    public async Task<Backfill> ResumeBackfillAsync(BackfillId id, CancellationToken cancellationToken)
    {
        var backfill = await RequireAsync(id, cancellationToken).ConfigureAwait(false);
        if (backfill.Status == BackfillStatus.Completed)
        {
            throw new CommandUsageException($"Backfill {id} already completed: every one of its {backfill.Counts.Steps} partitions is published. There is nothing to resume.");
        }

        return await RunInBackgroundAsync(id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Cancels a backfill: one running in the daemon is stopped cleanly and this waits until it has ended (recorded
    /// <see cref="BackfillStatus.Cancelled"/>); one not running is recorded cancelled. Returns it as it is then.
    /// </summary>
    /// <exception cref="CommandUsageException">No such backfill.</exception>
    /// <exception cref="BackfillStateException">It already completed.</exception>
    public async Task<Backfill> CancelBackfillAsync(BackfillId id, CancellationToken cancellationToken)
    {
        await RequireAsync(id, cancellationToken).ConfigureAwait(false);
        RunningBackfill? running;
        lock (_gate)
        {
            _backfills.TryGetValue(id, out running);
        }

        if (running is null)
        {
            return await Backfills.CancelAsync(id, cancellationToken).ConfigureAwait(false);
        }

        await running.Cancellation.CancelAsync().ConfigureAwait(false);
        await running.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await RequireAsync(id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether a backfill runs in the daemon now.</summary>
    public bool IsRunning(BackfillId id)
    {
        lock (_gate)
        {
            return _backfills.ContainsKey(id);
        }
    }

    /// <summary>
    /// Stops accepting work, cancels every run and backfill, and waits until each has ended cleanly. Call it before the
    /// metadata store is disposed.
    /// </summary>
    public async Task StopAsync()
    {
        Task[] pending;
        lock (_gate)
        {
            _stopped = true;
            pending = [.. _runs, .. _backfills.Values.Select(b => b.Task)];
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (pending.Length > 0)
        {
            LogStopping(Plural.Of(pending.Length, "run or backfill", "runs and backfills"));
            try
            {
                await Task.WhenAll(pending).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Each failure was logged where it happened; stopping goes on.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task<Backfill> RunInBackgroundAsync(BackfillId id, CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        RunningBackfill running;
        lock (_gate)
        {
            ThrowIfStopped();
            if (_backfills.ContainsKey(id))
            {
                throw new BackfillStateException($"Backfill {id} is already running in the daemon: `backfill status {id}` follows it, `backfill cancel {id}` stops it.");
            }

            var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            running = new RunningBackfill(RunBackfillAsync(id, started, cancellation), cancellation);
            _backfills[id] = running;
        }

        // Once it is recorded running (or has already ended), the caller's next read shows it so; an error before it
        // could start (its record forbids running it) is the caller's answer.
        await Task.WhenAny(started.Task, running.Task).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (started.Task is { IsFaulted: true, Exception.InnerException: { } error })
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }

        return await RequireAsync(id, cancellationToken).ConfigureAwait(false);
    }

    private async Task RunBackfillAsync(BackfillId id, TaskCompletionSource started, CancellationTokenSource cancellation)
    {
        await Task.Yield();
        try
        {
            var progress = new SynchronousProgress<BackfillProgress>(update =>
            {
                if (started.TrySetResult())
                {
                    var steps = Plural.Of(update.Counts.Steps, "step");
                    LogBackfillStarted(id.Value, steps, update.Counts.Remaining);
                }
            });
            var (ended, _) = await Backfills.RunAsync(id, progress, cancellation.Token).ConfigureAwait(false);
            var counts = ended.Counts;
            var tally = $"{Plural.Of(counts.Steps, "step")}: {counts.Published} done, {counts.Failed} failed, {counts.Skipped} skipped, {counts.Remaining} remaining";
            var message = ended.Message is { } said ? "; " + said : string.Empty;
            LogBackfillEnded(id.Value, ended.Status, tally, message);
        }
#pragma warning disable CA1031 // A backfill's failure is recorded and logged; the daemon goes on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            // Before it started (an unknown or foreign backfill), the caller gets the error; after, it is logged.
            if (!started.TrySetException(e))
            {
                LogBackfillFailed(e, id.Value);
            }
        }
        finally
        {
            started.TrySetResult();
            lock (_gate)
            {
                _backfills.Remove(id);
            }

            cancellation.Dispose();
        }
    }

    private async Task<Backfill> RequireAsync(BackfillId id, CancellationToken cancellationToken)
        => await Backfills.GetAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new CommandUsageException($"There is no backfill {id}: `backfill list` shows the backfills of this metadata store.");

    private void ThrowIfStopped()
    {
        if (_stopped)
        {
            throw new DaemonStoppingException("The daemon is stopping: it starts no new work. Run the command again once it has stopped (it then opens the store itself).");
        }
    }

    private sealed record RunningBackfill(Task Task, CancellationTokenSource Cancellation);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {Run} ({Origin}) started: {Steps}")]
    private partial void LogRunStarted(string run, string origin, string steps);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {Run} ({Origin}) ended: {Summary}")]
    private partial void LogRunEnded(string run, string origin, string summary);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backfill {Backfill} runs in the daemon: {Steps}, {Remaining} remaining")]
    private partial void LogBackfillStarted(string backfill, string steps, int remaining);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backfill {Backfill} ended {Status}: {Counts}{Message}")]
    private partial void LogBackfillEnded(string backfill, BackfillStatus status, string counts, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Backfill {Backfill} stopped with an error")]
    private partial void LogBackfillFailed(Exception exception, string backfill);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The daemon is stopping: cancelling {Count}, and waiting until each has ended cleanly")]
    private partial void LogStopping(string count);
}

/// <summary>The daemon is stopping and takes no new work.</summary>
internal sealed class DaemonStoppingException(string message) : Exception(message);

using System.Diagnostics;
using Assets.Execution;
using Assets.Execution.Queue;
using Assets.Graph;
using Assets.Hosting.Configuration;
using Assets.Hosting.Storage;
using Assets.Metadata;
using Assets.Planning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Assets.Hosting.Workers;

/// <summary>
/// A run handed to the workers (<c>Assets:Execution:Mode=Workers</c>): puts its steps in the step queue with their
/// dependencies, reasons and the code versions of this build, records the run's start, then follows the queue's step
/// states (woken by its notifications, polling as the fallback) and reports each finished step as the in-process executor
/// does, so <c>materialize</c> shows the same progress, summary and exit code. Says so while no live worker is in the pool
/// and while a step waits for a worker of its code version. Cancelling (Ctrl+C) cancels the queued run: steps not
/// started end cancelled at once, running ones are asked to stop and are waited for (at most a claim's TTL).
/// </summary>
internal sealed class QueuedRunWaiter(IServiceProvider services)
{
    private readonly AssetsClock _clock = services.GetRequiredService<AssetsClock>();
    private readonly WorkerSettings _settings = WorkerSettings.From(services.GetRequiredService<IOptions<AssetsOptions>>().Value, null);

    private Instant Now => _clock.GetCurrentInstant();

    private Duration FollowInterval => _settings.PollInterval < Duration.FromSeconds(1) ? _settings.PollInterval : Duration.FromSeconds(1);

    /// <summary>Runs <paramref name="plan"/> as <paramref name="run"/> through the queue; <paramref name="note"/> shows what is not a step's end.</summary>
    public Task<RunSummary> RunAsync(Plan plan, RunId run, IProgress<StepUpdate> progress, Action<string> note, CancellationToken cancellationToken)
        => RunAsync(plan.ToExecutionSteps(), run, RunOrigin.Materialize, StepPriority.Current, null, progress, note, cancellationToken);

    /// <summary>
    /// The <see cref="RunSteps"/> of a backfill's runs in the workers mode: queued as backfill work under the backfill's
    /// concurrency limit (the queue keeps it over all the backfill's runs and never gives a backfill the pool's last slot).
    /// </summary>
    public RunSteps ForBackfill(Backfills.Backfill backfill, Action<string> note)
        => (steps, run, progress, ct) => RunAsync(steps, run, RunOrigin.ForBackfill(backfill.Id), StepPriority.Backfill, backfill.Request.MaxConcurrency, progress, note, ct);

    /// <summary>
    /// Puts <paramref name="steps"/> in the queue as run <paramref name="run"/> and follows it until it has finished;
    /// <paramref name="note"/> shows what is not a step's end (no live worker, a step waiting for its code version).
    /// </summary>
    public async Task<RunSummary> RunAsync(
        IReadOnlyList<ExecutionStep> steps, RunId run, RunOrigin origin, StepPriority priority, int? concurrencyLimit, IProgress<StepUpdate>? progress, Action<string> note, CancellationToken cancellationToken)
    {
        var storage = services.GetRequiredService<AssetsStorage>();
        var queue = await storage.OpenStepQueueAsync($"{ExecutionSettings.Workers} mode", cancellationToken).ConfigureAwait(false);
        var metadata = await storage.OpenMetadataAsync(cancellationToken).ConfigureAwait(false);
        var graph = services.GetRequiredService<AssetGraph>();
        var queued = steps.Select(s => new QueuedStep(s, graph[s.Partition.Asset].CodeVersion)).ToArray();
        var startedAt = Now;
        var started = Stopwatch.StartNew();

        // The session first: a worker that completes a step right after the enqueue wakes the first wait.
        var session = await queue.OpenSessionAsync(cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            await queue.EnqueueAsync(new QueuedRun(run, origin, priority, concurrencyLimit, queued), Now, cancellationToken).ConfigureAwait(false);
            await AppendAsync(metadata, run, RunEventKind.RunStarted, $"{Plural.Of(queued.Length, "step")}, queued for the workers ({origin})").ConfigureAwait(false);
            var status = await FollowAsync(queue, session, run, progress, note, cancellationToken).ConfigureAwait(false);

            var results = status.Steps.Select(ResultOf).ToArray();
            var outcome = status.Outcome ?? RunOutcome.Cancelled;
            var summary = new RunSummary(run, outcome, startedAt, Duration.FromTimeSpan(started.Elapsed), results);
            var kind = outcome switch
            {
                RunOutcome.Cancelled => RunEventKind.RunCancelled,
                RunOutcome.Failed => RunEventKind.RunFailed,
                _ => RunEventKind.RunCompleted,
            };
            await AppendAsync(metadata, run, kind, summary.Describe()).ConfigureAwait(false);
            return summary;
        }
    }

    /// <summary>Until the run has finished (or, once cancelled, until its running steps stopped or a claim's TTL passed); returns its last state.</summary>
    private async Task<QueuedRunStatus> FollowAsync(IStepQueue queue, IStepQueueSession session, RunId run, IProgress<StepUpdate>? progress, Action<string> note, CancellationToken cancellationToken)
    {
        var reported = new HashSet<AssetPartition>();
        var running = new Dictionary<AssetPartition, int>();
        var notes = new Dictionary<AssetPartition, string>();
        var saidNoWorker = false;
        Stopwatch? cancelledAt = null;
        while (true)
        {
            var status = await queue.GetRunAsync(run, CancellationToken.None).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Run {run} is no longer in the step queue.");
            foreach (var step in status.Steps)
            {
                if (step.State >= QueuedStepState.Published && reported.Add(step.Partition))
                {
                    var result = ResultOf(step);
                    progress?.Report(new StepUpdate(step.Partition, StepPhase.Finished, result.Attempts, result.Cause, result));
                }
                else if (step.State == QueuedStepState.Running && (!running.TryGetValue(step.Partition, out var attempt) || attempt != step.Attempt))
                {
                    // Each claim of the step (a worker died and another took it) is an attempt started.
                    running[step.Partition] = step.Attempt;
                    progress?.Report(new StepUpdate(step.Partition, StepPhase.Started, step.Attempt, null, null));
                }
                else if (step is { State: QueuedStepState.Ready, Note: { } text } && (!notes.TryGetValue(step.Partition, out var said) || said != text))
                {
                    notes[step.Partition] = text;
                    note($"waiting     {step.Partition}  {text}");
                }
            }

            if (status.IsFinished)
            {
                return status;
            }

            if (cancelledAt is { } since && since.Elapsed > (_settings.ClaimTtl + _settings.Heartbeat).ToTimeSpan())
            {
                // The workers did not stop their steps in time (gone?): what is still running ends with the run as cancelled.
                return status;
            }

            if (!status.Steps.Any(s => s.State == QueuedStepState.Running))
            {
                var workers = await queue.ListWorkersAsync(Now, _settings.ClaimTtl, CancellationToken.None).ConfigureAwait(false);
                var live = workers.Count(w => w.IsAlive);
                if (live == 0 && !saidNoWorker)
                {
                    note("no live worker: the run waits in the step queue until one starts (run the `worker` command with the same Assets:Metadata); Ctrl+C cancels it");
                    saidNoWorker = true;
                }
                else if (live > 0 && saidNoWorker)
                {
                    note($"{Plural.Of(live, "live worker")} now; the run goes on");
                    saidNoWorker = false;
                }
            }

            try
            {
                // Not every change is notified (a step that starts running is not): a second at most between looks keeps the
                // progress live.
                await session.WaitForChangeAsync(FollowInterval, cancelledAt is null ? cancellationToken : CancellationToken.None).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && cancelledAt is null)
            {
                cancelledAt = Stopwatch.StartNew();
                var cancelled = await queue.CancelRunAsync(run, "the run was cancelled before this step started", Now, CancellationToken.None).ConfigureAwait(false);
                note($"cancelling run {run}: {Plural.Of(cancelled, "step")} not started cancelled; waiting for the running ones to stop");
            }
        }
    }

    /// <summary>A queued step's result as the executor reports it; a step still running once the wait ended counts as cancelled.</summary>
    private static StepResult ResultOf(QueuedStepStatus step)
        => step.Result is { } result && step.State >= QueuedStepState.Published
            ? result
            : StepResult.NotRun(step.Partition, StepOutcome.Cancelled, step.State == QueuedStepState.Running
                ? $"the run was cancelled while worker {step.Worker} ran this step; it had not stopped when the wait ended"
                : "the run was cancelled before this step started");

    private async Task AppendAsync(IMetadataStore metadata, RunId run, RunEventKind kind, string message)
        => await metadata.AppendEventsAsync([new RunEvent(run, Now, kind, null, null, message)], CancellationToken.None).ConfigureAwait(false);
}

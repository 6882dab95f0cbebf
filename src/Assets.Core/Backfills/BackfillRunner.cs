using System.Collections.Concurrent;
using Assets.Execution;
using Assets.Graph;
using Assets.Metadata;
using NodaTime;

namespace Assets.Backfills;

/// <summary>
/// Creates, runs, resumes and cancels persisted backfills. A run takes the steps of the backfill that are not
/// published yet (a step whose partition was published since the backfill was requested, by an interrupted run of it
/// or by anyone, counts as published and is never redone), runs them through an <see cref="AssetExecutor"/> limited to
/// the backfill's concurrency, in the backfill's order, and records every step's state as it changes, so a process that
/// dies leaves a record that <see cref="RunAsync"/> picks up. Thread-safe.
/// </summary>
public sealed partial class BackfillRunner
{
    private readonly AssetGraph _graph;
    private readonly IMetadataStore _metadata;
    private readonly IBackfillStore _backfills;
    private readonly IClock _clock;
    private readonly Func<Backfill, RunSteps> _runFor;
    private readonly ConcurrentDictionary<BackfillId, CancellationTokenSource> _active = new();

    /// <summary>Creates the runner.</summary>
    /// <param name="graph">The assets.</param>
    /// <param name="metadata">The partition states (to see what was published since a backfill was requested).</param>
    /// <param name="backfills">Where backfills are recorded.</param>
    /// <param name="clock">Stamps records.</param>
    /// <param name="executorFor">
    /// The executor for a backfill's runs: its <see cref="ExecutionOptions.MaxParallelism"/> must be the request's
    /// <see cref="BackfillRequest.MaxConcurrency"/>, and in a process shared with current work its
    /// <see cref="ExecutionOptions.Priority"/> <see cref="StepPriority.Backfill"/>.
    /// </param>
    public BackfillRunner(AssetGraph graph, IMetadataStore metadata, IBackfillStore backfills, IClock clock, Func<BackfillRequest, AssetExecutor> executorFor)
        : this(graph, metadata, backfills, clock, ExecutorsOf(executorFor))
    {
    }

    /// <summary>Creates the runner with the way each backfill's runs are run (in this process, or queued for workers).</summary>
    /// <param name="graph">The assets.</param>
    /// <param name="metadata">The partition states (to see what was published since a backfill was requested).</param>
    /// <param name="backfills">Where backfills are recorded.</param>
    /// <param name="clock">Stamps records.</param>
    /// <param name="runFor">
    /// How a backfill's runs are run: at most the request's <see cref="BackfillRequest.MaxConcurrency"/> steps at once, as
    /// backfill work (<see cref="StepPriority.Backfill"/>) where it shares slots with current work.
    /// </param>
    public BackfillRunner(AssetGraph graph, IMetadataStore metadata, IBackfillStore backfills, IClock clock, Func<Backfill, RunSteps> runFor)
    {
        _graph = Preconditions.CheckNotNull(graph);
        _metadata = Preconditions.CheckNotNull(metadata);
        _backfills = Preconditions.CheckNotNull(backfills);
        _clock = Preconditions.CheckNotNull(clock);
        _runFor = Preconditions.CheckNotNull(runFor);
    }

    private static Func<Backfill, RunSteps> ExecutorsOf(Func<BackfillRequest, AssetExecutor> executorFor)
    {
        Preconditions.CheckNotNull(executorFor);
        return backfill => executorFor(backfill.Request).RunAsync;
    }

    /// <summary>Records <paramref name="plan"/> as a new backfill, <see cref="BackfillStatus.Requested"/>.</summary>
    public async Task<Backfill> CreateAsync(BackfillPlan plan, CancellationToken cancellationToken = default)
    {
        Preconditions.CheckNotNull(plan);
        var now = _clock.GetCurrentInstant();
        var steps = plan.ToSteps(now);
        var backfill = new Backfill(BackfillId.New(), plan.Request, BackfillStatus.Requested, now, now, null, BackfillCounts.Of(steps.Select(s => s.State)), null);
        await _backfills.CreateBackfillAsync(backfill, steps, cancellationToken).ConfigureAwait(false);
        return backfill;
    }

    /// <summary>The backfill, with a dead process's run seen (and recorded) as <see cref="BackfillStatus.Interrupted"/>; <c>null</c> when unknown.</summary>
    public async Task<Backfill?> GetAsync(BackfillId id, CancellationToken cancellationToken = default)
        => await _backfills.GetBackfillAsync(id, cancellationToken).ConfigureAwait(false) is { } backfill
            ? await SettleAsync(backfill, cancellationToken).ConfigureAwait(false)
            : null;

    /// <summary>Every backfill, newest first, with dead processes' runs seen as <see cref="BackfillStatus.Interrupted"/>.</summary>
    public async Task<IReadOnlyList<Backfill>> ListAsync(CancellationToken cancellationToken = default)
    {
        var backfills = await _backfills.ListBackfillsAsync(cancellationToken).ConfigureAwait(false);
        var settled = new Backfill[backfills.Count];
        for (var i = 0; i < settled.Length; i++)
        {
            settled[i] = await SettleAsync(backfills[i], cancellationToken).ConfigureAwait(false);
        }

        return settled;
    }

    /// <summary>The steps of a backfill, in order.</summary>
    public Task<IReadOnlyList<BackfillStep>> GetStepsAsync(BackfillId id, CancellationToken cancellationToken = default)
        => _backfills.GetBackfillStepsAsync(id, cancellationToken);

    /// <summary>
    /// Cancels a backfill: one running in this process stops as <see cref="RunAsync"/> describes; one not running is
    /// recorded <see cref="BackfillStatus.Cancelled"/> (its steps keep their states, so it can still be resumed).
    /// </summary>
    /// <exception cref="BackfillStateException">Unknown, completed, or running in another live process (<see cref="BackfillStateException.RunningIn"/>).</exception>
    public async Task<Backfill> CancelAsync(BackfillId id, CancellationToken cancellationToken = default)
    {
        var backfill = await RequireAsync(id, cancellationToken).ConfigureAwait(false);
        if (_active.TryGetValue(id, out var running))
        {
            await running.CancelAsync().ConfigureAwait(false);
            return backfill;
        }

        switch (backfill.Status)
        {
            case BackfillStatus.Completed:
                throw new BackfillStateException($"Backfill {id} already completed: every partition is published. There is nothing to cancel.");
            case BackfillStatus.Running when backfill.Owner is { } owner:
                throw new BackfillStateException($"Backfill {id} is running in process {owner.ProcessId}: stop that process (Ctrl+C or SIGTERM) to cancel it cleanly.") { RunningIn = owner };
            case BackfillStatus.Cancelled:
                return backfill;
        }

        var now = _clock.GetCurrentInstant();
        await _backfills.SetBackfillStatusAsync(id, BackfillStatus.Cancelled, backfill.Owner, "cancelled on request", now, cancellationToken).ConfigureAwait(false);
        return backfill with { Status = BackfillStatus.Cancelled, UpdatedAt = now, Message = "cancelled on request" };
    }

    /// <summary>
    /// Runs (or resumes) a backfill until every step not yet published has had its turn, and returns the backfill as it
    /// ended: <see cref="BackfillStatus.Completed"/> when every step is published, <see cref="BackfillStatus.Failed"/>
    /// when some are not (failed steps do not stop the others; their downstream steps are skipped with the cause),
    /// <see cref="BackfillStatus.Cancelled"/> when <paramref name="cancellationToken"/> or <see cref="CancelAsync"/>
    /// stopped it (in-flight steps are cancelled without partial publishes). A completed backfill runs nothing.
    /// </summary>
    /// <exception cref="BackfillStateException">Unknown, or running in another live process.</exception>
    public async Task<(Backfill Backfill, RunSummary? Run)> RunAsync(BackfillId id, IProgress<BackfillProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var backfill = await RequireAsync(id, cancellationToken).ConfigureAwait(false);
        if (backfill.Status == BackfillStatus.Completed)
        {
            return (backfill, null);
        }

        if (backfill.Status == BackfillStatus.Running && backfill.Owner is { } owner && !owner.IsCurrent)
        {
            throw new BackfillStateException($"Backfill {id} is running in process {owner.ProcessId}: wait for it, or stop that process first.") { RunningIn = owner };
        }

        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (!_active.TryAdd(id, cancellation))
        {
            throw new BackfillStateException($"Backfill {id} is already running in this process.");
        }

        try
        {
            return await RunCoreAsync(backfill, progress, cancellation.Token).ConfigureAwait(false);
        }
        finally
        {
            _active.TryRemove(id, out _);
            BackfillMetrics.Ended(id);
        }
    }

    private async Task<(Backfill, RunSummary?)> RunCoreAsync(Backfill backfill, IProgress<BackfillProgress>? progress, CancellationToken cancellationToken)
    {
        var id = backfill.Id;
        var now = _clock.GetCurrentInstant();
        await _backfills.SetBackfillStatusAsync(id, BackfillStatus.Running, BackfillOwner.Current, null, now, CancellationToken.None).ConfigureAwait(false);

        var steps = await _backfills.GetBackfillStepsAsync(id, CancellationToken.None).ConfigureAwait(false);
        var states = new Dictionary<AssetPartition, BackfillStepState>(steps.Count);
        foreach (var step in steps)
        {
            states[step.Partition] = step.State;
        }

        var settled = await SettlePublishedAsync(backfill, steps, now).ConfigureAwait(false);
        foreach (var update in settled)
        {
            states[update.Partition] = update.State;
        }

        var remaining = steps.Where(s => states[s.Partition] != BackfillStepState.Published).ToList();
        var (runnable, unrunnable) = await SplitRunnableAsync(remaining, now).ConfigureAwait(false);
        foreach (var update in unrunnable)
        {
            states[update.Partition] = update.State;
        }

        await _backfills.UpdateBackfillStepsAsync(id, [.. settled, .. unrunnable], CancellationToken.None).ConfigureAwait(false);
        progress?.Report(new BackfillProgress(id, BackfillCounts.Of(states.Values), null));

        RunSummary? summary = null;
        if (runnable.Count > 0)
        {
            var run = _runFor(backfill);
            var recorder = new StepRecorder(id, _backfills, _clock, states, progress);
            try
            {
                summary = await run(runnable, RunId.New(), recorder, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await recorder.CompleteAsync().ConfigureAwait(false);
            }
        }

        var counts = BackfillCounts.Of(states.Values);
        var (status, message) = summary?.Outcome == RunOutcome.Cancelled || (summary is null && cancellationToken.IsCancellationRequested)
            ? (BackfillStatus.Cancelled, $"cancelled: {counts.Published} of {counts.Steps} published; resume goes on from there")
            : counts.Published == counts.Steps
                ? (BackfillStatus.Completed, counts.Steps == 1 ? "its one partition published" : $"every one of {counts.Steps} partitions published")
                : (BackfillStatus.Failed, $"{counts.Published} of {counts.Steps} published, {counts.Failed} failed, {counts.Skipped} skipped or blocked");
        var ended = _clock.GetCurrentInstant();
        await _backfills.SetBackfillStatusAsync(id, status, BackfillOwner.Current, message, ended, CancellationToken.None).ConfigureAwait(false);
        return (backfill with { Status = status, UpdatedAt = ended, Owner = BackfillOwner.Current, Counts = counts, Message = message }, summary);
    }

    private async Task<Backfill> RequireAsync(BackfillId id, CancellationToken cancellationToken)
        => await GetAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new BackfillStateException($"There is no backfill {id}: `backfill list` shows the backfills of this metadata store.");

    private async Task<Backfill> SettleAsync(Backfill backfill, CancellationToken cancellationToken)
    {
        if (backfill.Status != BackfillStatus.Running || _active.ContainsKey(backfill.Id) || backfill.Owner?.IsAlive() == true)
        {
            return backfill;
        }

        var message = backfill.Owner is { } owner
            ? $"the process that ran it ({owner.ProcessId}) ended before the backfill did; resume goes on from what is published"
            : "the process that ran it ended before the backfill did; resume goes on from what is published";
        await _backfills.SetBackfillStatusAsync(backfill.Id, BackfillStatus.Interrupted, backfill.Owner, message, backfill.UpdatedAt, cancellationToken).ConfigureAwait(false);
        return backfill with { Status = BackfillStatus.Interrupted, Message = message };
    }
}

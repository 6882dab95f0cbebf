using System.Collections.Concurrent;
using System.Threading.Channels;
using Assets.Execution;
using Assets.Graph;
using Assets.Metadata;
using Assets.Planning;
using NodaTime;

namespace Assets.Backfills;

/// <summary>
/// Creates, runs, resumes and cancels persisted backfills. A run takes the steps of the backfill that are not
/// published yet (a step whose partition was published since the backfill was requested, by an interrupted run of it
/// or by anyone, counts as published and is never redone), runs them through an <see cref="AssetExecutor"/> limited to
/// the backfill's concurrency, in the backfill's order, and records every step's state as it changes, so a process that
/// dies leaves a record that <see cref="RunAsync"/> picks up. Thread-safe.
/// </summary>
public sealed class BackfillRunner
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

    /// <summary>Steps not recorded as published whose partition has been published since the backfill was requested.</summary>
    private async Task<List<BackfillStepUpdate>> SettlePublishedAsync(Backfill backfill, IReadOnlyList<BackfillStep> steps, Instant now)
    {
        var open = steps.Where(s => s.State != BackfillStepState.Published).ToList();
        var updates = new List<BackfillStepUpdate>();
        if (open.Count == 0)
        {
            return updates;
        }

        var assets = open.Select(s => s.Partition.Asset).ToHashSet();
        var published = new Dictionary<AssetPartition, Instant>();
        foreach (var state in await _metadata.GetStatesAsync(assets, CancellationToken.None).ConfigureAwait(false))
        {
            if (state.PublishedAt is { } at && state.Status is PartitionStatus.Published or PartitionStatus.Stale)
            {
                published[state.Partition] = at;
            }
        }

        foreach (var step in open)
        {
            if (published.TryGetValue(step.Partition, out var at) && at >= backfill.CreatedAt)
            {
                updates.Add(new BackfillStepUpdate(step.Partition, BackfillStepState.Published, step.Attempts, null, now));
            }
        }

        return updates;
    }

    /// <summary>
    /// The remaining steps that can run, each depending on the remaining steps it reads, and the updates of those that
    /// cannot: they read a partition that is neither a runnable step of the backfill nor published.
    /// </summary>
    private async Task<(List<ExecutionStep> Runnable, List<BackfillStepUpdate> Unrunnable)> SplitRunnableAsync(List<BackfillStep> remaining, Instant now)
    {
        var remainingSet = remaining.Select(s => s.Partition).ToHashSet();
        var upstreamAssets = remaining.SelectMany(s => _graph[s.Partition.Asset].Dependencies.Select(d => d.Upstream)).ToHashSet();
        var available = new HashSet<AssetPartition>();
        foreach (var state in await _metadata.GetStatesAsync(upstreamAssets, CancellationToken.None).ConfigureAwait(false))
        {
            if (state.DataVersion is not null || state.Status is PartitionStatus.Published or PartitionStatus.Stale)
            {
                available.Add(state.Partition);
            }
        }

        // Upstream before downstream, so a step's blocked upstream is known when it is looked at.
        var topological = new Dictionary<AssetKey, int>();
        foreach (var asset in _graph.Assets)
        {
            topological[asset.Key] = topological.Count;
        }

        var cannotRun = new Dictionary<AssetPartition, string>();
        var dependencies = new Dictionary<AssetPartition, List<AssetPartition>>();
        foreach (var step in remaining.OrderBy(s => topological[s.Partition.Asset]))
        {
            var dependsOn = new List<AssetPartition>();
            string? blocked = null;
            foreach (var (dependency, mapped) in _graph.GetUpstreamPartitions(step.Partition, now))
            {
                if (mapped.OutsideUpstreamRange.Count > 0)
                {
                    blocked = $"needs {mapped.OutsideUpstreamRange[0]}, outside the upstream's partitions";
                    break;
                }

                foreach (var key in mapped.Keys)
                {
                    var upstream = new AssetPartition(dependency.Upstream, key);
                    if (cannotRun.TryGetValue(upstream, out var root))
                    {
                        blocked = $"waits for {upstream}, which cannot run: {root}";
                        break;
                    }

                    if (remainingSet.Contains(upstream))
                    {
                        dependsOn.Add(upstream);
                    }
                    else if (!available.Contains(upstream))
                    {
                        blocked = $"upstream {upstream} has no published version and is not part of this backfill: materialize it first, or start a backfill that includes it";
                        break;
                    }
                }

                if (blocked is not null)
                {
                    break;
                }
            }

            if (blocked is null)
            {
                dependencies[step.Partition] = dependsOn;
            }
            else
            {
                cannotRun[step.Partition] = blocked;
            }
        }

        var together = RangeRunsOf(remaining.Where(s => dependencies.ContainsKey(s.Partition)));
        var runnable = new List<ExecutionStep>();
        var unrunnable = new List<BackfillStepUpdate>();
        foreach (var step in remaining)
        {
            if (!dependencies.TryGetValue(step.Partition, out var dependsOn))
            {
                unrunnable.Add(new BackfillStepUpdate(step.Partition, BackfillStepState.Blocked, step.Attempts, cannotRun[step.Partition], now));
            }
            else if (together.TryGetValue(step.Partition, out var range))
            {
                // One call of the body reads what any partition of the range reads: each step waits for all of it.
                var union = range.SelectMany(p => dependencies[p]).Where(p => !range.Contains(p)).Distinct().ToArray();
                runnable.Add(new ExecutionStep(step.Partition, union) { RunsWith = range });
            }
            else
            {
                runnable.Add(new ExecutionStep(step.Partition, dependsOn));
            }
        }

        return (runnable, unrunnable);
    }

    /// <summary>
    /// The range runs among the runnable steps: steps of one chunk, split where a partition of the chunk is already
    /// published or cannot run, so every range is consecutive; a range of one runs as a plain step.
    /// </summary>
    private Dictionary<AssetPartition, IReadOnlyList<AssetPartition>> RangeRunsOf(IEnumerable<BackfillStep> runnable)
    {
        var result = new Dictionary<AssetPartition, IReadOnlyList<AssetPartition>>();
        foreach (var chunk in runnable.GroupBy(s => s.Chunk))
        {
            var asset = _graph[chunk.First().Partition.Asset];
            if (asset.RangeRuns is null || asset.Partitions is not Partitions.TimeWindowPartitionsDefinition time)
            {
                continue;
            }

            var ordered = chunk.OrderBy(s => time.IndexOf(s.Partition.Partition!.Value)).Select(s => s.Partition).ToList();
            var run = new List<AssetPartition>();
            foreach (var partition in ordered)
            {
                if (run.Count > 0 && time.IndexOf(run[^1].Partition!.Value) + 1 != time.IndexOf(partition.Partition!.Value))
                {
                    Add(run);
                    run = [];
                }

                run.Add(partition);
            }

            Add(run);
        }

        return result;

        void Add(List<AssetPartition> run)
        {
            if (run.Count > 1)
            {
                foreach (var partition in run)
                {
                    result[partition] = run;
                }
            }
        }
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

    /// <summary>
    /// Records step changes as the executor reports them, in order, off the executor's thread: a single writer drains
    /// a queue in batches, so a slow store write never holds a step up.
    /// </summary>
    private sealed class StepRecorder : IProgress<StepUpdate>
    {
        private readonly BackfillId _id;
        private readonly IBackfillStore _store;
        private readonly IClock _clock;
        private readonly Dictionary<AssetPartition, BackfillStepState> _states;
        private readonly IProgress<BackfillProgress>? _progress;
        private readonly Channel<BackfillStepUpdate> _queue = Channel.CreateUnbounded<BackfillStepUpdate>(new UnboundedChannelOptions { SingleReader = true });
        private readonly Lock _gate = new();
        private readonly Task _writer;
        private int[]? _tally;

        public StepRecorder(BackfillId id, IBackfillStore store, IClock clock, Dictionary<AssetPartition, BackfillStepState> states, IProgress<BackfillProgress>? progress)
        {
            _id = id;
            _store = store;
            _clock = clock;
            _states = states;
            _progress = progress;
            _writer = Task.Run(WriteAsync);
        }

        public void Report(StepUpdate value)
        {
            var state = value.Phase switch
            {
                StepPhase.Finished => value.Result!.Outcome switch
                {
                    StepOutcome.Published => BackfillStepState.Published,
                    StepOutcome.Failed => BackfillStepState.Failed,
                    StepOutcome.Quarantined => BackfillStepState.Quarantined,
                    StepOutcome.Waiting => BackfillStepState.Waiting,
                    StepOutcome.Skipped => BackfillStepState.Skipped,
                    _ => BackfillStepState.Cancelled,
                },
                _ => BackfillStepState.Running,
            };
            var error = value.Phase == StepPhase.Finished ? value.Result!.Cause : null;
            BackfillCounts counts;
            lock (_gate)
            {
                // A running tally, not a recount: a backfill may have hundreds of thousands of steps.
                _tally ??= TallyOf(_states.Values);
                if (_states.TryGetValue(value.Partition, out var previous))
                {
                    _tally[(int)previous]--;
                }

                _states[value.Partition] = state;
                _tally[(int)state]++;
                counts = BackfillCounts.OfTally(_tally);
            }

            _queue.Writer.TryWrite(new BackfillStepUpdate(value.Partition, state, value.Attempt, error, _clock.GetCurrentInstant()));
            BackfillMetrics.Report(_id, counts);
            _progress?.Report(new BackfillProgress(_id, counts, value));
        }

        private static int[] TallyOf(IEnumerable<BackfillStepState> states)
        {
            var tally = new int[Enum.GetValues<BackfillStepState>().Length];
            foreach (var state in states)
            {
                tally[(int)state]++;
            }

            return tally;
        }

        public async Task CompleteAsync()
        {
            _queue.Writer.TryComplete();
            await _writer.ConfigureAwait(false);
        }

        private async Task WriteAsync()
        {
            var batch = new List<BackfillStepUpdate>();
            while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (_queue.Reader.TryRead(out var update))
                {
                    batch.Add(update);
                }

                await _store.UpdateBackfillStepsAsync(_id, batch, CancellationToken.None).ConfigureAwait(false);
                batch.Clear();
            }
        }
    }
}

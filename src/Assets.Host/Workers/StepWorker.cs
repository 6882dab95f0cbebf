using System.Globalization;
using Assets.Execution;
using Assets.Execution.Queue;
using Assets.Graph;
using Assets.Hosting.CommandLine;
using Assets.Hosting.Storage;
using Assets.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Assets.Hosting.Workers;

/// <summary>
/// The <c>worker</c> process's loop (DESIGN.md, "Shared mode"): registers in the step queue's pool, claims ready steps
/// of the code versions of its own build whenever it has a free slot (woken by the queue's notifications, polling as the
/// fallback), runs each claim through the executor (<see cref="AssetExecutor.RunClaimedAsync"/>) with the partitions'
/// leases held under an identity of the claim's own, renews its claims and announces itself alive every heartbeat, and
/// completes each claim with the step's outcome. A claim found lost (the worker stalled past its TTL and another worker
/// took the step) stops the step and records the conflict; a cancelled run stops its steps, which end cancelled. On
/// Ctrl+C or SIGTERM it stops claiming, lets running steps finish within the grace period, cancels the rest (nothing
/// partial is published) and gives their claims back, so another worker takes them at once.
/// </summary>
internal sealed partial class StepWorker
{
    private readonly IServiceProvider _services;
    private readonly IStepQueue _queue;
    private readonly IMetadataStore _metadata;
    private readonly WorkerSettings _settings;
    private readonly TextWriter _out;
    private readonly ILogger _logger;
    private readonly AssetsClock _clock;
    private readonly AssetGraph _graph;
    private readonly Assets.Storage.Publishing.PublisherOptions _publishing;
    private readonly List<RunningClaim> _running = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<RunId, Instant> _enqueuedAt = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _slotFreed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StepWorker(IServiceProvider services, IStepQueue queue, IMetadataStore metadata, WorkerSettings settings, TextWriter output, ILogger logger)
    {
        _services = services;
        _queue = queue;
        _metadata = metadata;
        _settings = settings;
        _out = output;
        _logger = logger;
        _clock = services.GetRequiredService<AssetsClock>();
        _graph = services.GetRequiredService<AssetGraph>();
        _publishing = services.GetRequiredService<AssetsStorage>().WorkerPublishing(settings.ClaimTtl);
        Id = WorkerId.New(Environment.MachineName, Environment.ProcessId);
        CodeVersions = _graph.Assets.ToDictionary(a => a.Key, a => a.CodeVersion);
    }

    /// <summary>This worker's id in the pool.</summary>
    public WorkerId Id { get; }

    /// <summary>The code version of every asset of this build: only steps enqueued with the same one are claimed.</summary>
    public IReadOnlyDictionary<AssetKey, string> CodeVersions { get; }

    private Instant Now => _clock.GetCurrentInstant();

    /// <summary>Runs until <paramref name="stopping"/> is cancelled, then shuts down as the type's summary says.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        await RegisterAsync(stopping).ConfigureAwait(false);
        Write($"Worker {Id}: {Plural.Of(_settings.Slots, "slot")}, claims held {DurationText.Format(_settings.ClaimTtl)} and renewed every {DurationText.Format(_settings.Heartbeat)}; Ctrl+C stops it.");
        using var shutdown = new CancellationTokenSource();
        using var beating = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(beating.Token);
        var pruning = new QueuePruner(_queue, _settings.QueueRetention, _clock, _logger).RunAsync(beating.Token);
        try
        {
            var session = await _queue.OpenSessionAsync(stopping).ConfigureAwait(false);
            await using (session.ConfigureAwait(false))
            {
                await ClaimLoopAsync(session, shutdown.Token, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            await StopAsync(shutdown).ConfigureAwait(false);
            await beating.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
            await pruning.ConfigureAwait(false);
            await DeregisterAsync().ConfigureAwait(false);
        }
    }

    private async Task TryRegisterAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RegisterAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OperationCanceledException)
        {
            LogQueueUnreachable(_logger, e, DurationText.Format(_settings.PollInterval));
        }
    }

    private async Task RegisterAsync(CancellationToken cancellationToken)
        => await _queue.RegisterWorkerAsync(new QueueWorker(Id, Environment.MachineName, Environment.ProcessId, _settings.Slots, Now), cancellationToken).ConfigureAwait(false);

    private async Task ClaimLoopAsync(IStepQueueSession session, CancellationToken shutdown, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            // Taken before the count: a step that ends after this wakes the wait below.
            Task freed;
            lock (_gate)
            {
                freed = _slotFreed.Task;
            }

            var free = _settings.Slots - RunningCount();
            if (free > 0)
            {
                IReadOnlyList<StepClaim> claims;
                try
                {
                    claims = await _queue.ClaimAsync(new ClaimRequest(Id, free, CodeVersions, Now, _settings.ClaimTtl, _settings.ClaimTtl), stopping).ConfigureAwait(false);
                }
                catch (Exception e) when (!stopping.IsCancellationRequested && e is not OperationCanceledException)
                {
                    // The database may be restarting, or it lost this worker's registration (the queue then refuses its
                    // claims): the claims it would have given stay in the queue for the next try, after registering again.
                    LogQueueUnreachable(_logger, e, DurationText.Format(_settings.PollInterval));
                    await Task.Delay(_settings.PollInterval.ToTimeSpan(), stopping).ConfigureAwait(false);
                    await TryRegisterAsync(stopping).ConfigureAwait(false);
                    continue;
                }

                foreach (var unit in Units(claims))
                {
                    Start(new RunningClaim(unit, shutdown));
                }
            }

            // Fewer claims than free slots: nothing more is claimable now. As many: every slot is busy. Either way, the
            // next look is when the queue changes or a step ends.
            await WaitAsync(session, freed, stopping).ConfigureAwait(false);
        }
    }

    /// <summary>Claims of one range run (<see cref="ExecutionStep.RunsWith"/>) together, every other claim alone, in queue order.</summary>
    private static IEnumerable<IReadOnlyList<StepClaim>> Units(IReadOnlyList<StepClaim> claims)
        => claims.GroupBy(c => (c.Run, First: c.Step.RunsWith is { Count: > 0 } range ? range[0] : c.Partition)).Select(g => (IReadOnlyList<StepClaim>)g.ToArray());

    /// <summary>Until the queue changes, a poll interval passes, or a running step ends (a slot is free).</summary>
    private async Task WaitAsync(IStepQueueSession session, Task freed, CancellationToken stopping)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var change = session.WaitForChangeAsync(_settings.PollInterval, wait.Token);
        if (await Task.WhenAny(change, freed).ConfigureAwait(false) != change)
        {
            await wait.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await change.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            // Ended because a slot was freed: claim now.
        }
#pragma warning disable CA1031 // A wait that failed (the database restarting) ends like a poll: the claim that follows tells.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogQueueUnreachable(_logger, e, DurationText.Format(_settings.PollInterval));
            await Task.Delay(_settings.PollInterval.ToTimeSpan(), stopping).ConfigureAwait(false);
        }
    }

    private int RunningCount()
    {
        lock (_gate)
        {
            return _running.Count;
        }
    }

    private void Start(RunningClaim unit)
    {
        lock (_gate)
        {
            _running.Add(unit);
        }

        unit.Running = Task.Run(() => RunUnitAsync(unit));
    }

    private async Task RunUnitAsync(RunningClaim unit)
    {
        try
        {
            var first = unit.Claims[0];
            var steps = unit.Claims.Select(c => c.Step with { Reason = Describe(c) }).ToArray();
            var claimed = new ClaimedSteps(first.Run, steps, RunId.New());
            IReadOnlyList<StepResult> results;
            try
            {
                var executor = Executors.Create(_services, _metadata, await OptionsForAsync(first, unit.Token).ConfigureAwait(false), _publishing, out _);
                results = await executor.RunClaimedAsync(claimed, null, unit.Token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A claim the executor refuses (an asset this build lacks) fails its steps; the worker goes on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                results = unit.Claims.Select(c => new StepResult(c.Partition, StepOutcome.Failed, 0, Duration.Zero, $"worker {Id} could not run it: {e.Message}", e.GetType().FullName, null, null, null, [], [])).ToArray();
            }

            await SettleAsync(unit, results).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // One unit's trouble (the queue unreachable while settling) must not end the worker; the claim expires.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogUnitFailed(_logger, e, string.Join(", ", unit.Claims.Select(c => c.Partition)));
        }
        finally
        {
            lock (_gate)
            {
                _running.Remove(unit);
                _slotFreed.TrySetResult();
                _slotFreed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            unit.Dispose();
        }
    }

    /// <summary>Records each step's outcome in the queue (or gives its claim back, or records the lost claim), and writes its line.</summary>
    private async Task SettleAsync(RunningClaim unit, IReadOnlyList<StepResult> results)
    {
        for (var i = 0; i < unit.Claims.Count; i++)
        {
            var claim = unit.Claims[i];
            var result = results.FirstOrDefault(r => r.Partition == claim.Partition) ?? results[i];
            if (unit.Lost)
            {
                await RecordLostAsync(claim, result, "a renewal found it claimed again by another worker after this worker's claim expired (this worker stalled)").ConfigureAwait(false);
                continue;
            }

            if (result.Outcome == StepOutcome.Cancelled && !unit.CancelRequested)
            {
                // The worker is shutting down: the step goes back to the queue for another worker, as its next attempt.
                await _queue.ReleaseAsync(claim, CancellationToken.None).ConfigureAwait(false);
                Write(Line("released", claim, result, "stopped by the worker's shutdown; back in the queue for another worker"));
                continue;
            }

            if (!await _queue.CompleteAsync(claim, result, Now, CancellationToken.None).ConfigureAwait(false))
            {
                await RecordLostAsync(claim, result, "it had changed hands when the outcome was to be recorded (this worker stalled past its claim)").ConfigureAwait(false);
                continue;
            }

            Write(Line(MaterializeOutcome(result.Outcome), claim, result, result.Cause));
        }
    }

    private async Task RecordLostAsync(StepClaim claim, StepResult result, string how)
    {
        var message = $"worker {Id} lost its claim of this step (attempt {claim.Attempt}): {how}; its outcome ({MaterializeOutcome(result.Outcome)}) was not recorded, and nothing it staged was published over the new claim's work.";
        try
        {
            await _metadata.AppendEventsAsync([new RunEvent(claim.Run, Now, RunEventKind.LeaseLost, claim.Partition, null, message)], CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The event log is an index; the line below still says it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogUnitFailed(_logger, e, claim.Partition.ToString());
        }

        Write(Line("lost", claim, result, message));
    }

    /// <summary>Renews the registration and every running claim each heartbeat; stops the steps whose claim was lost or whose run was cancelled.</summary>
    private async Task HeartbeatAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_settings.Heartbeat.ToTimeSpan(), stop).ConfigureAwait(false);
                if (!await _queue.HeartbeatWorkerAsync(Id, Now, stop).ConfigureAwait(false))
                {
                    await RegisterAsync(stop).ConfigureAwait(false);
                }

                RunningClaim[] units;
                lock (_gate)
                {
                    units = [.. _running];
                }

                var claims = units.SelectMany(u => u.Claims).ToArray();
                if (claims.Length == 0)
                {
                    continue;
                }

                var statuses = await _queue.RenewAsync(claims, Now, _settings.ClaimTtl, stop).ConfigureAwait(false);
                var index = 0;
                foreach (var unit in units)
                {
                    var mine = statuses.Skip(index).Take(unit.Claims.Count).ToArray();
                    index += unit.Claims.Count;
                    if (mine.Contains(ClaimStatus.Lost))
                    {
                        unit.MarkLost();
                    }
                    else if (mine.Contains(ClaimStatus.CancelRequested))
                    {
                        unit.MarkCancelRequested();
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A beat that fails (the database restarting) is tried again at the next; claims outlast a few beats.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogQueueUnreachable(_logger, e, DurationText.Format(_settings.Heartbeat));
            }
        }
    }

    /// <summary>Lets running steps finish within the grace period, then cancels them; each unit settles its claims itself.</summary>
    private async Task StopAsync(CancellationTokenSource shutdown)
    {
        Task[] running;
        lock (_gate)
        {
            running = _running.Select(u => u.Running).ToArray();
        }

        if (running.Length > 0)
        {
            Write($"Worker {Id} stopping: no more claims; waiting up to {DurationText.Format(_settings.ShutdownGrace)} for {Plural.Of(running.Length, "running step")} to finish.");
            var all = Task.WhenAll(running);
            if (await Task.WhenAny(all, Task.Delay(_settings.ShutdownGrace.ToTimeSpan())).ConfigureAwait(false) != all)
            {
                Write($"Worker {Id}: the grace period is over; cancelling the running steps (nothing partial is published) and giving their claims back.");
                await shutdown.CancelAsync().ConfigureAwait(false);
            }

            await all.ConfigureAwait(false);
        }
    }

    private async Task DeregisterAsync()
    {
        try
        {
            await _queue.DeregisterWorkerAsync(Id, CancellationToken.None).ConfigureAwait(false);
            Write($"Worker {Id} stopped.");
        }
#pragma warning disable CA1031 // Unreachable at the end: the registration expires by itself.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogQueueUnreachable(_logger, e, "its TTL (the registration expires)");
        }
    }

    /// <summary>The reason the step's first attempt records: the plan's, and which worker and claim ran it.</summary>
    /// <summary>
    /// How a claimed step runs: as an in-process run's, it waits for another run's lease, and a step not forced does
    /// nothing when its partition was published after its run was queued (by an overlapping run, or by this step's
    /// earlier attempt on a worker that died before completing its claim) and, planned again, needs nothing more.
    /// The run's plan is not carried with it: its enqueue time stands for the time it was planned.
    /// </summary>
    private async Task<ExecutionOptions> OptionsForAsync(StepClaim claim, CancellationToken cancellationToken)
    {
        if (!_enqueuedAt.TryGetValue(claim.Run, out var enqueuedAt))
        {
            var run = await _queue.GetRunAsync(claim.Run, cancellationToken).ConfigureAwait(false);
            enqueuedAt = run?.EnqueuedAt ?? Now;
            if (_enqueuedAt.Count >= 1000)
            {
                // A worker runs for days: forget the runs seen so far rather than grow; a run still going is read again.
                _enqueuedAt.Clear();
            }

            _enqueuedAt.TryAdd(claim.Run, enqueuedAt);
        }

        // The planner words a forced step's reason "forced" (PlanMode.Force): it runs whatever another run did.
        var forced = claim.Step.Reason?.StartsWith("forced", StringComparison.Ordinal) == true;
        return new ExecutionOptions
        {
            LeaseWait = Executors.LeaseWait(_services),
            StillNeededAfterLeaseWait = Executors.StillNeeded(_services, forced ? Planning.PlanMode.Force : Planning.PlanMode.MissingOrStale),
            PlannedAt = enqueuedAt,
        };
    }

    private string Describe(StepClaim claim)
        => string.Create(CultureInfo.InvariantCulture, $"{(claim.Step.Reason is { } reason ? reason + "; " : string.Empty)}claimed by worker {Id} (attempt {claim.Attempt}, {claim.Origin})");

    private static string Line(string outcome, StepClaim claim, StepResult result, string? cause)
        => string.Create(
            CultureInfo.InvariantCulture,
            $"{outcome,-11} {claim.Partition} (run {claim.Run}, attempt {claim.Attempt}, {result.Duration.TotalSeconds:0.0}s){(cause is { } c ? "  " + c : string.Empty)}");

    private static string MaterializeOutcome(StepOutcome outcome) => outcome.ToString().ToLowerInvariant();

    private void Write(string line)
    {
        // Units finish on several threads: one line at a time, flushed so a log follows the worker as it goes.
        lock (_out)
        {
            _out.WriteLine(line);
            _out.Flush();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The step queue could not be reached; trying again in {Wait}")]
    private static partial void LogQueueUnreachable(ILogger logger, Exception error, string wait);

    [LoggerMessage(Level = LogLevel.Error, Message = "Settling the claim of {Partitions} failed; its claim expires and another worker takes the step")]
    private static partial void LogUnitFailed(ILogger logger, Exception error, string partitions);
}

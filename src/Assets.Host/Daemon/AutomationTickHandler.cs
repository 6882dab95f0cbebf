using System.Diagnostics;
using System.Diagnostics.Metrics;
using Assets.Automation;
using Assets.Execution;
using Assets.Freshness;
using Assets.Graph;
using Assets.Hosting.CommandLine;
using Assets.Hosting.Storage;
using Assets.Planning;
using Assets.Hosting.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Assets.Hosting.Daemon;

/// <summary>
/// The daemon's automation (<see cref="AutomationAttribute"/>), once per tick: first every schedule's due ticks (per its
/// missed-tick policy, each tick's partitions forced, the cursor stored after each tick is handled, so a daemon killed
/// mid-run never skips a tick: it, or the standby that takes over, resumes that tick, running only the partitions nobody
/// published since the tick), then one eager plan over every eager asset. In the
/// daemon this runs in the background, one round at a time, on the daemon's shared slots; stopping the daemon cancels
/// the runs through the executor's clean cancellation (nothing partial published, leases released) and awaits the round.
/// </summary>
internal sealed partial class AutomationTickHandler(ILogger<AutomationTickHandler> logger) : IDaemonTickHandler
{
    private static readonly Counter<long> Runs = AssetsTelemetry.Meter.CreateCounter<long>(
        "assets.automation.runs", "{run}", "Runs the daemon started by itself, by trigger (eager or cron).");

    private static readonly Counter<long> SkippedTicks = AssetsTelemetry.Meter.CreateCounter<long>(
        "assets.automation.skipped_ticks", "{tick}", "Schedule ticks missed while the daemon was down and skipped by their policy.");

    private bool _warnedNoCursors;
    private Task _inFlight = Task.CompletedTask;

    // The cursors this daemon stored while it has led without a break (the daemon passes one token per spell of
    // leadership): a stored cursor found among them means nobody else can have begun the tick after it.
    private readonly Dictionary<AssetKey, Instant> _storedThisTenure = [];
    private CancellationToken _tenure;

    /// <summary>The automation started by the last tick, still running or done; the daemon awaits it when it stops.</summary>
    public Task Completion => _inFlight;

    /// <summary>
    /// In the daemon (its <see cref="DaemonWork"/> among <paramref name="services"/>) automation runs in the background, so
    /// the tick loop goes on observing sources and judging freshness during a long run; a tick that finds the previous
    /// automation still running skips it. Elsewhere (tests, a host without the daemon) it runs within the call.
    /// </summary>
    public Task OnTickAsync(IServiceProvider services, IReadOnlyList<AssetFreshness> freshness, CancellationToken cancellationToken)
    {
        if (services.GetService<DaemonWork>() is null)
        {
            return AutomateAsync(services, cancellationToken);
        }

        if (!_inFlight.IsCompleted)
        {
            LogStillRunning();
            return Task.CompletedTask;
        }

        _inFlight = Task.Run(() => AutomateQuietlyAsync(services, cancellationToken), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task AutomateQuietlyAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        try
        {
            await AutomateAsync(services, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The daemon is stopping.
        }
        catch (DaemonStoppingException)
        {
            // The daemon is stopping.
        }
#pragma warning disable CA1031 // One failed round of automation must not stop the daemon; the next tick tries again.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogAutomationFailed(e);
        }
    }

    private async Task AutomateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var daemon = services.GetRequiredService<IOptions<AssetsOptions>>().Value.Daemon;
        if (!daemon.Automation)
        {
            return;
        }

        var graph = services.GetRequiredService<AssetGraph>();
        var scheduled = AutomationPlanner.ScheduledAssets(graph);
        var eager = AutomationPlanner.EagerAssets(graph);
        if (scheduled.Count == 0 && eager.Count == 0)
        {
            return;
        }

        var metadata = await services.GetRequiredService<AssetsStorage>().OpenMetadataAsync(cancellationToken).ConfigureAwait(false);
        var round = new Round(Stopwatch.StartNew());
        LogRoundStarted(scheduled.Count, eager.Count);
        if (scheduled.Count > 0)
        {
            if (metadata is IAutomationCursorStore cursors)
            {
                // A tick on time is one the daemon saw within two of its own ticks (and a minute's slack).
                var tickSeconds = daemon.TickSeconds;
                var onTime = Duration.FromSeconds(2 * tickSeconds) + Duration.FromMinutes(1);
                await RunSchedulesAsync(services, graph, scheduled, cursors, metadata, onTime, round, cancellationToken).ConfigureAwait(false);
            }
            else if (!_warnedNoCursors)
            {
                _warnedNoCursors = true;
                LogNoCursorStore(metadata.GetType().Name);
            }
        }

        if (eager.Count > 0)
        {
            var grid = await PlanningCommands.EvaluateAsync(services, cancellationToken).ConfigureAwait(false);
            if (AutomationPlanner.PlanEager(graph, grid) is { IsEmpty: false } plan)
            {
                await RunAsync(services, metadata, plan, "eager", schedule: null, round, cancellationToken).ConfigureAwait(false);
            }
        }

        // Said when the round did something (the runs log themselves too); a quiet round is only a debug line.
        if (round.Runs > 0 || round.Blocked > 0)
        {
            var runs = Plural.Of(round.Runs, "run");
            var steps = Plural.Of(round.Steps, "step");
            var blocked = Plural.Of(round.Blocked, "partition");
            var elapsed = DurationText.Approximately(Duration.FromMilliseconds(round.Elapsed.ElapsedMilliseconds));
            LogRoundEnded(runs, steps, blocked, elapsed);
        }
    }

    /// <summary>What one round of automation started and could not start, for its closing log line.</summary>
    private sealed class Round(Stopwatch elapsed)
    {
        public Stopwatch Elapsed { get; } = elapsed;

        public int Runs { get; set; }

        public int Steps { get; set; }

        public int Blocked { get; set; }
    }

    private async Task RunSchedulesAsync(
        IServiceProvider services,
        AssetGraph graph,
        IReadOnlyList<AssetDefinition> scheduled,
        IAutomationCursorStore cursors,
        Metadata.IMetadataStore metadata,
        Duration onTime,
        Round round,
        CancellationToken cancellationToken)
    {
        if (cancellationToken != _tenure)
        {
            _tenure = cancellationToken;
            _storedThisTenure.Clear();
        }

        var stored = await cursors.GetAutomationCursorsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var asset in scheduled)
        {
            var policy = asset.Automation!;
            var now = services.GetRequiredService<AssetsClock>().GetCurrentInstant();
            Instant? cursor = stored.TryGetValue(asset.Key, out var found) ? found : null;
            var due = AutomationPlanner.DueTicks(policy, cursor, now, onTime);
            foreach (var skipped in due.Skipped)
            {
                LogTickSkipped(asset.Key.Value, skipped, policy.MissedTicks);
                SkippedTicks.Add(1, new KeyValuePair<string, object?>("asset", asset.Key.Value));
            }

            foreach (var tick in due.Run)
            {
                if (AutomationPlanner.PartitionsAt(asset, tick) is { } range)
                {
                    var grid = await PlanningCommands.EvaluateAsync(services, cancellationToken).ConfigureAwait(false);
                    var plan = Planner.CreatePlan(graph, grid, [asset], range, PlanMode.Force);
                    var ownCursor = cursor is { } c && _storedThisTenure.TryGetValue(asset.Key, out var own) && own == c;
                    if (cursor is not null && tick == due.Run[0] && !ownCursor)
                    {
                        plan = await ResumedAsync(metadata, graph, grid, asset, plan, tick, cancellationToken).ConfigureAwait(false);
                    }

                    if (plan is not null)
                    {
                        await RunAsync(services, metadata, plan, $"schedule of {asset.Key} at {tick}", asset, round, cancellationToken).ConfigureAwait(false);
                    }
                }
                else
                {
                    LogNothingAtTick(asset.Key.Value, tick);
                }

                await cursors.SetAutomationCursorAsync(asset.Key, tick, cancellationToken).ConfigureAwait(false);
                _storedThisTenure[asset.Key] = tick;
            }

            if (cursor != due.Cursor && (due.Run.Count == 0 || due.Run[^1] != due.Cursor))
            {
                await cursors.SetAutomationCursorAsync(asset.Key, due.Cursor, cancellationToken).ConfigureAwait(false);
                _storedThisTenure[asset.Key] = due.Cursor;
            }
        }
    }

    /// <summary>
    /// The first due tick after a cursor another daemon (or an earlier spell of this one) stored may have been in flight
    /// when that daemon died or lost the lead (the cursor is written after a tick's work, so that no tick is skipped):
    /// what it published is the tick's work, done. The tick runs again only for the partitions nobody published since
    /// the tick, so no partition of a tick is materialized twice across a hand-over; <c>null</c> when the whole tick was
    /// done. A publish counts only when its step began at or after the tick: the previous tick's run, when it outlasted
    /// the interval, publishes after this tick too, and is not this tick's work.
    /// </summary>
    private async Task<Plan?> ResumedAsync(
        Metadata.IMetadataStore metadata, AssetGraph graph, StatusGrid grid, AssetDefinition asset, Plan plan, Instant tick, CancellationToken cancellationToken)
    {
        var done = new HashSet<AssetPartition>();
        foreach (var step in plan.Steps)
        {
            if (await metadata.GetStateAsync(step.Partition, cancellationToken).ConfigureAwait(false) is { PublishedAt: { } published, MaterializationId: { } id }
                && published >= tick
                && await StepBeganAsync(metadata, step.Partition, id, cancellationToken).ConfigureAwait(false) is { } began
                && began >= tick)
            {
                done.Add(step.Partition);
            }
        }

        if (done.Count == 0)
        {
            return plan;
        }

        var rest = plan.Steps.Where(s => !done.Contains(s.Partition)).ToList();
        LogTickResumed(asset.Key.Value, tick, done.Count, rest.Count);
        return rest.Count == 0 || rest.Any(s => s.Partition.Partition is null)
            ? null
            : Planner.CreatePlan(graph, grid, [asset], PartitionRange.ForPartitions(rest.Select(s => s.Partition.Partition!.Value.Value)), PlanMode.Force);
    }

    /// <summary>When the run that made materialization <paramref name="id"/> first began a step of <paramref name="partition"/> (from its events); <c>null</c> when unknown.</summary>
    private static async Task<Instant?> StepBeganAsync(Metadata.IMetadataStore metadata, AssetPartition partition, MaterializationId id, CancellationToken cancellationToken)
    {
        var materializations = await metadata.GetMaterializationsAsync(partition, cancellationToken).ConfigureAwait(false);
        if (materializations.FirstOrDefault(m => m.Id == id) is not { } made)
        {
            return null;
        }

        var events = await metadata.GetEventsAsync(made.RunId, partition, ct: cancellationToken).ConfigureAwait(false);
        return events.Count == 0 ? null : events.Min(e => e.At);
    }

    /// <summary>
    /// Runs <paramref name="plan"/> for eager automation or for <paramref name="schedule"/>'s tick. The executor logs the
    /// run and each step's outcome; this says what it could not run.
    /// </summary>
    private async Task RunAsync(IServiceProvider services, Metadata.IMetadataStore metadata, Plan plan, string origin, AssetDefinition? schedule, Round round, CancellationToken cancellationToken)
    {
        round.Blocked += plan.Blocked.Count;
        foreach (var blocked in plan.Blocked)
        {
            // An eager partition that cannot run yet is tried again next tick; a scheduled tick is not, so say it loudly.
            if (schedule is not null)
            {
                LogScheduledTickBlocked(origin, blocked.Partition, blocked.Reason);
            }
            else
            {
                LogBlocked(origin, blocked.Partition, blocked.Reason);
            }
        }

        if (plan.IsEmpty)
        {
            return;
        }

        round.Runs++;
        round.Steps += plan.Steps.Count;
        Runs.Add(1, schedule is null ? new TagList { { "trigger", "eager" } } : new TagList { { "trigger", "cron" }, { "asset", schedule.Key.Value } });
        using var activity = AssetsTelemetry.ActivitySource.StartActivity("automate");
        activity?.SetTag("assets.automation.origin", origin);
        if (services.GetService<DaemonWork>() is { } work)
        {
            // In the daemon: on its shared slots as current work, cancelled and awaited when it stops.
            try
            {
                await work.MaterializeAsync(plan, "automation: " + origin, progress: null, cancellationToken).ConfigureAwait(false);
            }
            catch (DaemonStoppingException)
            {
                // The daemon stopped before the run could start: the next start plans again.
            }
        }
        else if (Executors.UseWorkers(services))
        {
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Assets.Workers");
            await new Workers.QueuedRunWaiter(services).RunAsync(
                plan.ToExecutionSteps(), RunId.New(), Execution.Queue.RunOrigin.Automation, StepPriority.Current, null, null, note => WorkersLog.Note(logger, "automation: " + origin, note), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var executor = Executors.Create(services, metadata, new ExecutionOptions { MaxParallelism = Environment.ProcessorCount, LeaseWait = Executors.LeaseWait(services), StillNeededAfterLeaseWait = Executors.StillNeeded(services, plan.Mode), PlannedAt = plan.AsOf });
            await executor.RunAsync(plan.ToExecutionSteps(), RunId.New(), progress: null, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Automation ({Origin}) skips {Partition} at this tick: {Reason}")]
    private partial void LogScheduledTickBlocked(string origin, AssetPartition partition, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Automation ({Origin}) cannot run {Partition}: {Reason}")]
    private partial void LogBlocked(string origin, AssetPartition partition, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule of {Asset}: the tick at {Tick} was missed while the daemon was down and is skipped (missed ticks: {Policy})")]
    private partial void LogTickSkipped(string asset, Instant tick, MissedTickPolicy policy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule of {Asset}: the tick at {Tick} was begun before (by this daemon or one that led before it); of its partitions, {Done} were published since the tick and are left alone, {Rest} still run")]
    private partial void LogTickResumed(string asset, Instant tick, int done, int rest);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule of {Asset}: no partition exists yet at the tick at {Tick}")]
    private partial void LogNothingAtTick(string asset, Instant tick);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Automation from an earlier tick is still running; this tick starts none")]
    private partial void LogStillRunning();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Automation round started: {Scheduled} scheduled and {Eager} eager assets")]
    private partial void LogRoundStarted(int scheduled, int eager);

    [LoggerMessage(Level = LogLevel.Information, Message = "Automation round ended: {Runs} with {Steps} started, {Blocked} blocked, in {Elapsed}")]
    private partial void LogRoundEnded(string runs, string steps, string blocked, string elapsed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Automation failed; the next tick tries again")]
    private partial void LogAutomationFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedules are not run: the metadata store {Store} keeps no automation cursors")]
    private partial void LogNoCursorStore(string store);
}

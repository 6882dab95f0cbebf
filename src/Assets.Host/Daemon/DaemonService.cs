using Assets.Execution;
using Assets.Freshness;
using Assets.Graph;
using Assets.Hosting.Storage;
using Assets.Hosting.Rendering;
using Assets.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Assets.Hosting.Daemon;

/// <summary>
/// The daemon's loop: every tick observes sources, evaluates freshness, logs each asset whose state changed, keeps the latest result for
/// <c>/health</c>, and calls <paramref name="handlers"/> in order (automation first, then those registered in the host's services).
/// With a <paramref name="leadership"/> that another daemon holds, it stands by: it only keeps the freshness for
/// <c>/health</c>, and asks for the lead every second, so it takes over within seconds of the leader's end.
/// </summary>
internal sealed partial class DaemonService(
    IServiceProvider services, DaemonState state, Duration tick, IReadOnlyList<IDaemonTickHandler> handlers, ILogger<DaemonService> logger, DaemonLeadership? leadership = null)
    : BackgroundService
{
    private static readonly Duration StandbyPoll = Duration.FromSeconds(1);

    private readonly Dictionary<AssetKey, FreshnessState> _previous = [];
    private readonly Dictionary<AssetKey, int> _partitionCounts = [];
    private readonly RunId _session = RunId.New();

    /// <summary>Cancelled when this daemon stops leading: what it started as the leader stops with it.</summary>
    private CancellationTokenSource? _leading;

    /// <summary>The run id under which this daemon records freshness transitions and source observations in the event log.</summary>
    public RunId Session => _session;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(tick.ToTimeSpan());
        state.LoopStarted(tick);
        try
        {
            await LoopAsync(timer, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            state.LoopStopped();
            // Automation runs in the background: let it end (its runs are cancelled by now) before the store is closed.
            // A round never faults: the handler logs its errors.
            foreach (var automation in handlers.OfType<AutomationTickHandler>())
            {
                await automation.Completion.ConfigureAwait(false);
            }

            // Only now give up the lead: a standby must not start automation while this one's last round still runs.
            _leading?.Dispose();
            if (leadership is not null)
            {
                await leadership.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task LoopAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        Instant? standbyEvaluated = null;
        while (true)
        {
            try
            {
                if (leadership is not null && !await leadership.HoldAsync(stoppingToken).ConfigureAwait(false))
                {
                    await StepDownAsync().ConfigureAwait(false);
                    standbyEvaluated = await StandByAsync(standbyEvaluated, stoppingToken).ConfigureAwait(false);
                    await Task.Delay(Duration.Min(tick, StandbyPoll).ToTimeSpan(), stoppingToken).ConfigureAwait(false);
                    continue;
                }

                standbyEvaluated = null;
                _leading ??= CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                await TickAsync(_leading.Token).ConfigureAwait(false);
                state.TickEnded(succeeded: true);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // One failed tick must not stop the daemon; the next one tries again.
            catch (Exception e)
#pragma warning restore CA1031
            {
                state.TickEnded(succeeded: false);
                LogTickFailed(e);
            }

            if (!await WaitForNextTickAsync(timer, stoppingToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Waits for the next tick; a leader meanwhile confirms its lock every second, and steps down at once when it is
    /// gone (its session ended: the database restarted, or the network dropped), so that its automation stops within
    /// about a second of a standby being able to take over, not a whole tick later.
    /// </summary>
    private async Task<bool> WaitForNextTickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        var next = timer.WaitForNextTickAsync(stoppingToken).AsTask();
        while (leadership is not null && _leading is not null && !next.IsCompleted)
        {
            await Task.WhenAny(next, Task.Delay(StandbyPoll.ToTimeSpan(), stoppingToken)).ConfigureAwait(false);
            if (!next.IsCompleted && !stoppingToken.IsCancellationRequested && !await leadership.HoldAsync(stoppingToken).ConfigureAwait(false))
            {
                await StepDownAsync().ConfigureAwait(false);
            }
        }

        try
        {
            return await next.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Stops what this daemon runs as the leader (its automation is cancelled and awaited): another may lead now.</summary>
    private async Task StepDownAsync()
    {
        if (_leading is not { } leading)
        {
            return;
        }

        _leading = null;
        await leading.CancelAsync().ConfigureAwait(false);
        foreach (var automation in handlers.OfType<AutomationTickHandler>())
        {
            await automation.Completion.ConfigureAwait(false);
        }

        leading.Dispose();
    }

    /// <summary>A standby keeps the freshness for <c>/health</c> at the tick's pace, and records or runs nothing.</summary>
    private async Task<Instant?> StandByAsync(Instant? evaluated, CancellationToken cancellationToken)
    {
        var now = services.GetRequiredService<AssetsClock>().GetCurrentInstant();
        if (evaluated is { } last && now - last < tick)
        {
            return evaluated;
        }

        state.Freshness = await LocalAssetsQueries.EvaluateFreshnessAsync(services, now, cancellationToken).ConfigureAwait(false);
        return now;
    }

    /// <summary>One tick: observe sources, judge freshness, record transitions, run the handlers (the loop calls it; tests call it directly).</summary>
    internal async Task TickAsync(CancellationToken cancellationToken)
    {
        // Transitions are logged and recorded in the event log, under the daemon's session as their run.
        var events = new List<RunEvent>();
        var clock = services.GetRequiredService<AssetsClock>();

        // Sources first: what arrived or changed since the last tick is what automation acts on below.
        foreach (var change in (await SourceObservations.ObserveAsync(services, null, Planning.PartitionRange.All, cancellationToken).ConfigureAwait(false)).Where(o => o.Changed || o.Error is not null))
        {
            switch (change.Observed)
            {
                case { Arrived: true } observed:
                    LogSourceVersion(change.Partition, observed.Description, observed.Version);
                    events.Add(new RunEvent(_session, observed.ObservedAt, RunEventKind.SourceObserved, change.Partition, null, $"arrived in version {observed.Version}: {observed.Description}"));
                    break;
                case { } observed:
                    LogSourceAbsent(change.Partition, observed.Description);
                    events.Add(new RunEvent(_session, observed.ObservedAt, RunEventKind.SourceObserved, change.Partition, null, $"not arrived: {observed.Description}"));
                    break;
                default:
                    LogObserverFailed(change.Partition, change.Error);
                    break;
            }
        }

        var now = clock.GetCurrentInstant();
        NoticeNewPartitions(now, events);
        var results = await LocalAssetsQueries.EvaluateFreshnessAsync(services, now, cancellationToken).ConfigureAwait(false);
        foreach (var result in results)
        {
            if (!_previous.TryGetValue(result.Asset, out var before) || before != result.State)
            {
                LogFreshnessChanged(result.Asset.Value, result.State, result.Lag is { } lag ? DurationText.Approximately(lag) : "unknown");
                var transition = _previous.ContainsKey(result.Asset) ? $"{FreshnessJson.Name(before)} -> {FreshnessJson.Name(result.State)}" : $"{FreshnessJson.Name(result.State)} when the daemon started";
                events.Add(new RunEvent(_session, now, RunEventKind.FreshnessChanged, new AssetPartition(result.Asset, null), null, $"{transition}: {result.Cause}"));
                _previous[result.Asset] = result.State;
            }
        }

        if (events.Count > 0)
        {
            var metadata = await services.GetRequiredService<AssetsStorage>().OpenMetadataAsync(cancellationToken).ConfigureAwait(false);
            await metadata.AppendEventsAsync(events, cancellationToken).ConfigureAwait(false);
        }

        state.Freshness = results;
        foreach (var handler in handlers)
        {
            await handler.OnTickAsync(services, results, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Time-partitioned assets whose newest partition changed since the last tick: their new windows ended, so those
    /// partitions are now expected (missing until materialized; eager automation picks them up, freshness judges them).
    /// </summary>
    private void NoticeNewPartitions(Instant now, List<RunEvent> events)
    {
        foreach (var asset in services.GetRequiredService<AssetGraph>().Assets)
        {
            // Static partitions never become due; time windows (alone or with static keys) do as they end.
            if (asset.Partitions is not { } partitions)
            {
                continue;
            }

            var keys = partitions.GetKeys(now);
            var count = keys.Count;
            if (_partitionCounts.TryGetValue(asset.Key, out var before) && count > before)
            {
                var newest = keys[^1];
                var due = Plural.Of(count - before, "new partition");
                LogPartitionsDue(asset.Key.Value, due, newest.Value);
                events.Add(new RunEvent(_session, now, RunEventKind.PartitionsDue, new AssetPartition(asset.Key, newest), null, $"{due} due, the newest {newest}"));
            }

            _partitionCounts[asset.Key] = count;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Asset}: {Count} due, the newest {Newest}")]
    private partial void LogPartitionsDue(string asset, string count, string newest);

    [LoggerMessage(Level = LogLevel.Information, Message = "Freshness of {Asset} is now {State} (lag {Lag})")]
    private partial void LogFreshnessChanged(string asset, FreshnessState state, string lag);

    [LoggerMessage(Level = LogLevel.Information, Message = "Source of {Partition} is there in a new version: {Source} ({Version})")]
    private partial void LogSourceVersion(AssetPartition partition, string source, string? version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Source of {Partition} has not arrived: {Source}")]
    private partial void LogSourceAbsent(AssetPartition partition, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Observing the source of {Partition} failed: {Error}")]
    private partial void LogObserverFailed(AssetPartition partition, string? error);

    [LoggerMessage(Level = LogLevel.Error, Message = "A daemon tick failed; the next tick tries again")]
    private partial void LogTickFailed(Exception exception);
}

/// <summary>What the daemon's loop last found, and whether it goes on, for the HTTP API and the health probes.</summary>
internal sealed class DaemonState
{
    private volatile IReadOnlyList<AssetFreshness>? _freshness;
    private long _tickMilliseconds;
    private long _loopStartedAt;
    private long _lastTickEndedAt;
    private volatile bool _running;
    private volatile bool _ready;

    /// <summary>The last freshness evaluation, or null before the first tick.</summary>
    public IReadOnlyList<AssetFreshness>? Freshness { get => _freshness; set => _freshness = value; }

    /// <summary>Whether a tick has succeeded: the metadata store is open and reconciled, so the API answers from it.</summary>
    public bool Ready => _ready;

    /// <summary>Whether the loop runs (started and not ended).</summary>
    public bool Running => _running;

    /// <summary>
    /// How long since the loop last showed progress (a tick ended, or the loop started), by the monotonic clock; a loop
    /// that makes none for many ticks is stuck, and only a restart helps.
    /// </summary>
    public TimeSpan SinceProgress => TimeSpan.FromMilliseconds(Environment.TickCount64 - Math.Max(Interlocked.Read(ref _lastTickEndedAt), Interlocked.Read(ref _loopStartedAt)));

    /// <summary>The tick interval of the loop.</summary>
    public TimeSpan Tick => TimeSpan.FromMilliseconds(Interlocked.Read(ref _tickMilliseconds));

    public void LoopStarted(Duration tick)
    {
        Interlocked.Exchange(ref _tickMilliseconds, (long)tick.TotalMilliseconds);
        Interlocked.Exchange(ref _loopStartedAt, Environment.TickCount64);
        _running = true;
    }

    public void TickEnded(bool succeeded)
    {
        Interlocked.Exchange(ref _lastTickEndedAt, Environment.TickCount64);
        _ready |= succeeded;
    }

    public void LoopStopped() => _running = false;
}

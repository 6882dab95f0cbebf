using Assets.Execution.Queue;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Assets.Hosting.Workers;

/// <summary>
/// Keeps the step queue from growing for ever: every worker, when it starts and every hour after, removes the finished
/// runs and silent workers older than <see cref="WorkerSettings.QueueRetention"/> (<see cref="IStepQueue.PruneAsync"/>;
/// any number of workers may do it at once). A failed round is logged and tried again at the next.
/// </summary>
internal sealed partial class QueuePruner(IStepQueue queue, Duration retention, IClock clock, ILogger logger)
{
    private readonly string _retentionText = DurationText.Format(retention);

    /// <summary>How often a worker prunes.</summary>
    public static Duration Interval { get; } = Duration.FromHours(1);

    /// <summary>Prunes now and then every <see cref="Interval"/> until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var pruned = await queue.PruneAsync(clock.GetCurrentInstant() - retention, stop).ConfigureAwait(false);
                if (pruned.Any)
                {
                    LogPruned(logger, pruned.Runs, pruned.Steps, pruned.Workers, _retentionText);
                }

                await Task.Delay(Interval.ToTimeSpan(), stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Pruning is housekeeping: a failed round (the database restarting) waits for the next.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogPruneFailed(logger, e);
                try
                {
                    await Task.Delay(Interval.ToTimeSpan(), stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Runs} finished runs ({Steps} steps) and {Workers} silent workers older than {Retention} from the step queue (Assets:Worker:QueueRetention)")]
    private static partial void LogPruned(ILogger logger, int runs, int steps, int workers, string retention);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removing old runs from the step queue failed; trying again in an hour")]
    private static partial void LogPruneFailed(ILogger logger, Exception error);
}

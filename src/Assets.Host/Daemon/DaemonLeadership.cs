using Assets.Storage.Metadata.Postgres;
using Microsoft.Extensions.Logging;

namespace Assets.Hosting.Daemon;

/// <summary>
/// Whether this daemon coordinates (observes sources, records freshness, runs automation) or stands by. With the
/// embedded store it always leads (one process holds the file). With the shared store it leads while it holds the
/// store's leader lock; a standby answers the API and takes over when the leader's session ends.
/// </summary>
internal sealed partial class DaemonLeadership(PostgresLeaderLock? leaderLock, ILogger<DaemonLeadership> logger) : IAsyncDisposable
{
    private bool? _leading;

    /// <summary>Whether this daemon may coordinate now (checked, or taken, at each call; logged when it changes).</summary>
    public async Task<bool> HoldAsync(CancellationToken ct)
    {
        var leading = leaderLock is null || await leaderLock.TryHoldAsync(ct).ConfigureAwait(false);
        if (leading != _leading && leaderLock is not null)
        {
            if (leading)
            {
                LogLeading();
            }
            else
            {
                LogStandby();
            }
        }

        _leading = leading;
        return leading;
    }

    public ValueTask DisposeAsync() => leaderLock?.DisposeAsync() ?? ValueTask.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "This daemon holds the leader lock: it observes sources, records freshness and runs automation")]
    private partial void LogLeading();

    [LoggerMessage(Level = LogLevel.Information, Message = "Another daemon holds the leader lock: this one stands by (it answers the API) and takes over when that one stops")]
    private partial void LogStandby();
}

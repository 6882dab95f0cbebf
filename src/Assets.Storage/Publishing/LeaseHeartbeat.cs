using Assets.Metadata;
using NodaTime;

namespace Assets.Storage.Publishing;

/// <summary>
/// Renews a fenced lease in the background while its step runs, so a long step keeps its partition however long its
/// body takes, and a dead process's lease expires within one lease duration. A renewal that finds the lease changed
/// hands marks it <see cref="Lost"/> and stops; a renewal that fails (the database is unreachable for a moment) is
/// tried again at the next beat, while the lease, renewed well before its expiry, still holds.
/// </summary>
internal sealed class LeaseHeartbeat : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _beating;
    private volatile bool _lost;
    private int _disposed;

    public LeaseHeartbeat(IFencedLeaseStore store, LeaseClaim claim, IClock clock, Duration leaseDuration, Duration interval)
    {
        _beating = BeatAsync(store, claim, clock, leaseDuration, interval.ToTimeSpan(), _stop.Token);
    }

    /// <summary>Whether a renewal found the lease in another holder's hands.</summary>
    public bool Lost => _lost;

    /// <summary>Marks the lease lost (a renewal in the protocol's own steps found it so).</summary>
    public void MarkLost() => _lost = true;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _beating.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task BeatAsync(IFencedLeaseStore store, LeaseClaim claim, IClock clock, Duration leaseDuration, TimeSpan interval, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && !_lost)
        {
            try
            {
                await Task.Delay(interval, stop).ConfigureAwait(false);
                if (!await store.TryRenewLeaseAsync(claim, clock.GetCurrentInstant(), leaseDuration, stop).ConfigureAwait(false))
                {
                    _lost = true;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed beat (database unreachable) is retried at the next one; the protocol's steps check the lease themselves.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }
}

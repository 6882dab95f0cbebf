using NodaTime;

namespace Assets.Execution.Queue;

/// <summary>
/// A wait for "something in the step queue changed" (<see cref="IStepQueue.OpenSessionAsync"/>): woken by the
/// database's notifications (PostgreSQL LISTEN/NOTIFY) the moment another process commits a change, with a timeout as
/// the fallback, so a lost notification (a dropped connection) costs at most one poll interval. Not thread-safe: one
/// waiter per session. Dispose it to close its connection.
/// </summary>
public interface IStepQueueSession : IAsyncDisposable
{
    /// <summary>
    /// Waits until a change is notified or <paramref name="max"/> passes. <c>true</c>: woken by a notification (one
    /// since the previous wait counts too); <c>false</c>: the time ran out (poll anyway). When the connection is lost
    /// the wait ends early with <c>false</c> and the session reconnects on the next call.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    Task<bool> WaitForChangeAsync(Duration max, CancellationToken ct = default);
}

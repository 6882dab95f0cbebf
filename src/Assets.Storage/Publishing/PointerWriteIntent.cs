using Assets.Graph;
using Assets.Storage.Maintenance;
using Assets.Storage.Objects;

namespace Assets.Storage.Publishing;

/// <summary>
/// The first half of every pointer write (a publish, a rollback) on a store that tracks its session
/// (<see cref="IStoreSession"/>): the write is begun in the session, which logs it, and the log line is made durable before
/// the pointer is touched, so an open after a crash finds the pointer from the log without listing every pointer.
/// </summary>
internal static class PointerWriteIntent
{
    /// <summary>
    /// Begins the write of <paramref name="partition"/>'s pointer in <paramref name="session"/> (nothing when it is
    /// <c>null</c>). The log is flushed with <paramref name="flushBeforeSwap"/> when given (the round that makes the staged
    /// files durable right before the swap: no round of its own), or here, in the process's next group flush round. On
    /// failure the write is ended again and the error thrown: the pointer must then not be written.
    /// </summary>
    public static async Task BeginAsync(IStoreSession? session, AssetPartition partition, DurabilityBatch? flushBeforeSwap)
    {
        if (session is null)
        {
            return;
        }

        session.BeginPointerWrite(partition);
        if (session.PointerWriteLogPath is not { } log)
        {
            return;
        }

        if (flushBeforeSwap is not null)
        {
            flushBeforeSwap.AddFile(log);
            return;
        }

        try
        {
            await Objects.Local.GroupFlush.Disk.FlushAsync([log], []).ConfigureAwait(false);
        }
        catch
        {
            session.EndPointerWrite(partition);
            throw;
        }
    }
}

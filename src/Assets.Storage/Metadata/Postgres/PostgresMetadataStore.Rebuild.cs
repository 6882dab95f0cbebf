using Npgsql;

namespace Assets.Storage.Metadata.Postgres;

public sealed partial class PostgresMetadataStore
{
    /// <summary>
    /// Runs <paramref name="rebuild"/> (a full reconciliation from the root's pointers) only if the store is empty once
    /// this process holds the store's rebuild lock (a session advisory lock): of several processes opening a new or
    /// emptied database at once, one reads every pointer and the others wait for it, then find the store filled and
    /// skip. Returns whether this process rebuilt. A server restart during the rebuild ends the session and its lock:
    /// the rebuild's own operations ride it out, and another process may then rebuild too, which is harmless (the
    /// reconciliation is idempotent), only slower.
    /// </summary>
    internal async Task<bool> RebuildIfEmptyAsync(Func<CancellationToken, Task> rebuild, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rebuild);
        if (!await IsEmptyAsync(ct).ConfigureAwait(false))
        {
            return false;
        }

        // The lock's session stays open for the whole rebuild; the rebuild's operations use connections of their own.
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var session = await _reconnection.ExecuteAsync(
            async attempt =>
            {
                var held = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
                try
                {
                    // Waiting for the lock takes nothing: repeating it after a fault is safe.
                    attempt.Phase = PostgresReconnection.Phase.Working;
                    // No command timeout: the wait lasts as long as another process's rebuild, however long that is; it
                    // is not a fault.
                    await using var command = Command(held, "SELECT pg_advisory_lock(hashtextextended('assets:rebuild:' || current_schema(), 0))");
                    command.CommandTimeout = 0;
                    await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    return held;
                }
                catch
                {
                    await held.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            },
            Replay<NpgsqlConnection>.Idempotent,
            ct).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            try
            {
                if (!await IsEmptyAsync(ct).ConfigureAwait(false))
                {
                    return false;
                }

                await rebuild(ct).ConfigureAwait(false);
                return true;
            }
            finally
            {
                // A session lock outlives Close: a pooled connection keeps it until the pool reuses or prunes it, so
                // without this every other process opening the store would wait on this process's idle connection.
                await ReleaseRebuildLockAsync(session).ConfigureAwait(false);
            }
        }
    }

    private static async Task ReleaseRebuildLockAsync(NpgsqlConnection session)
    {
        try
        {
            await ExecuteAsync(session, "SELECT pg_advisory_unlock(hashtextextended('assets:rebuild:' || current_schema(), 0))", CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            // The session is gone (a restart), and its lock with it; never pool a connection that might still hold it.
            NpgsqlConnection.ClearPool(session);
        }
    }
}

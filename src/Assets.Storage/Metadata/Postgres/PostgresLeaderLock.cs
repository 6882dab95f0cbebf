using Npgsql;

namespace Assets.Storage.Metadata.Postgres;

/// <summary>
/// One coordinator among many processes sharing a PostgreSQL metadata store: a session-level advisory lock
/// (<c>pg_try_advisory_lock</c>) held on a connection of its own for as long as this process leads. The server releases
/// it the moment that connection ends (the process died, the network dropped, the server restarted), so a standby that
/// asks again takes over within its polling interval. Not thread-safe: one caller (the daemon's loop) asks.
/// </summary>
public sealed class PostgresLeaderLock : IAsyncDisposable
{
    private readonly string _connectionString;
    private NpgsqlConnection? _held;

    /// <summary>Creates the lock of the store named by <paramref name="connectionString"/> (see <see cref="PostgresConnectionString"/>).</summary>
    public PostgresLeaderLock(string connectionString)
    {
        var builder = PostgresConnectionString.Parse(connectionString);
        // The lock lives as long as its session: a pooled connection would outlive this process's hold of it.
        builder.Pooling = false;
        builder.KeepAlive = 5;
        _connectionString = builder.ConnectionString;
    }

    /// <summary>Whether this process held the lock when last asked.</summary>
    public bool IsHeld => _held is not null;

    /// <summary>
    /// Whether this process leads now: confirms a held lock is still held (its session alive), or tries to take it.
    /// <c>false</c> while another process holds it or the server cannot be reached.
    /// </summary>
    public async Task<bool> TryHoldAsync(CancellationToken ct = default)
    {
        if (_held is { } held)
        {
            try
            {
                await using var ping = new NpgsqlCommand("SELECT 1", held);
                await ping.ExecuteScalarAsync(ct).ConfigureAwait(false);
                return true;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                // The session is gone, and the lock with it: try to take it again below, like any standby.
                await ReleaseAsync().ConfigureAwait(false);
            }
        }

        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended('assets:leader:' || current_schema(), 0))", connection);
            if (await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is true)
            {
                _held = connection;
                return true;
            }
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
        }

        await connection.DisposeAsync().ConfigureAwait(false);
        return false;
    }

    /// <summary>Gives the lock up (closes its session).</summary>
    public async ValueTask DisposeAsync() => await ReleaseAsync().ConfigureAwait(false);

    private async Task ReleaseAsync()
    {
        if (_held is { } held)
        {
            _held = null;
            await held.DisposeAsync().ConfigureAwait(false);
        }
    }
}

using System.Diagnostics;
using Assets.Execution.Queue;
using Npgsql;
using NodaTime;

namespace Assets.Storage.Metadata.Postgres;

/// <summary>
/// A wait for changes to the step queue (<see cref="IStepQueueSession"/>): <c>LISTEN</c> on a connection of its own, to
/// the channel of the store's schema. When the connection is lost or the server cannot be reached, a wait sleeps out
/// its time and answers <c>false</c> (the caller polls, as it would have), and the next wait connects again.
/// </summary>
internal sealed class PostgresStepQueueSession(string connectionString, string description) : IStepQueueSession
{
    /// <summary>The channel is per schema (see <see cref="PostgresStepQueueSchema"/>); LISTEN takes no parameter, so <c>format('%I')</c> quotes it.</summary>
    private const string Listen = "DO $$ BEGIN EXECUTE format('LISTEN %I', 'assets_queue_' || md5(current_schema())); END $$";

    private NpgsqlConnection? _connection;
    private int _disposed;

    /// <summary>The database, for messages.</summary>
    public string Description { get; } = description;

    /// <summary>Connects and listens; throws when the server cannot be reached (a session is opened when the caller starts).</summary>
    public async Task ListenAsync(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(Listen, connection);
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException && !ct.IsCancellationRequested)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new MetadataStoreUnavailableException(Description, e);
        }

        _connection = connection;
    }

    /// <inheritdoc />
    public async Task<bool> WaitForChangeAsync(Duration max, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, Duration.Zero);
        var started = Stopwatch.GetTimestamp();
        try
        {
            if (_connection is null)
            {
                await ListenAsync(ct).ConfigureAwait(false);
            }

            var milliseconds = (int)Math.Min(int.MaxValue, Math.Ceiling(max.TotalMilliseconds));
            return await _connection!.WaitAsync(milliseconds, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or MetadataStoreUnavailableException or IOException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            // Lost the connection (or never got it back): changes may have gone unheard, so the caller polls; wait out the
            // rest of its time first so a server that is down is not asked in a tight loop.
            await DropAsync().ConfigureAwait(false);
            var remaining = max.ToTimeSpan() - Stopwatch.GetElapsedTime(started);
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining, ct).ConfigureAwait(false);
            }

            return false;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await DropAsync().ConfigureAwait(false);
        }
    }

    private async Task DropAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}

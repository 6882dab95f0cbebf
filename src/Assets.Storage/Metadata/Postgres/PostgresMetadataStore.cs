using Assets.Metadata;
using Npgsql;
using NodaTime;

namespace Assets.Storage.Metadata.Postgres;

/// <summary>
/// The shared metadata store: one PostgreSQL database that any number of processes on any number of machines open at
/// once (DESIGN.md, "Shared mode"). It holds what <see cref="DuckDbMetadataStore"/> holds, behind the same interfaces,
/// and differs where sharing demands it:
/// <list type="bullet">
/// <item>every write is committed before it returns (no write-behind: another process may read it next);</item>
/// <item>leases are decided by the database, expire, and carry a fencing epoch (<see cref="IFencedLeaseStore"/>); a lease
/// found on open belongs to a process that may be alive, so it is never dropped, only left to expire;</item>
/// <item>opening reads no pointer and reconciles nothing: reconciliation with the root is the caller's (the
/// pointers are the truth either way; see <c>AssetsStorage</c> for the seam).</item>
/// </list>
/// Operations take a pooled connection each, so they run concurrently; each is atomic. Encodings and tables are
/// described on <see cref="PostgresSchema"/>.
/// </summary>
public sealed partial class PostgresMetadataStore : IMetadataStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly IClock _clock;
    private int _disposed;

    private PostgresMetadataStore(NpgsqlDataSource dataSource, IClock clock)
    {
        _dataSource = dataSource;
        _clock = clock;
    }

    /// <summary>The database, for messages: host, port and database name (never the password).</summary>
    public string Description { get; private init; } = string.Empty;

    /// <summary>
    /// Opens the store named by <paramref name="connectionString"/> (a <c>postgresql://</c> URI or Npgsql key=value
    /// pairs; see <see cref="PostgresConnectionString"/>) and brings its schema up to date under the migration lock.
    /// <paramref name="clock"/> stamps what the store changes by itself (reconciliation, a migration's time).
    /// </summary>
    /// <exception cref="FormatException">The connection string is malformed.</exception>
    /// <exception cref="MetadataStoreUnavailableException">The server cannot be reached or refuses the login.</exception>
    public static async Task<PostgresMetadataStore> OpenAsync(string connectionString, IClock clock, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var builder = PostgresConnectionString.Parse(connectionString);
        var description = $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";
        var dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
        try
        {
            await using (var connection = await OpenConnectionAsync(dataSource, description, ct).ConfigureAwait(false))
            {
                await PostgresSchema.MigrateAsync(connection, StoredForm.Ticks(clock.GetCurrentInstant()), ct).ConfigureAwait(false);
            }

            return new PostgresMetadataStore(dataSource, clock) { Description = description };
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Closes the store's connections. Operations after this throw <see cref="ObjectDisposedException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Whether the store holds no partition state at all: a new (or emptied) database, to be rebuilt from the root's pointers.</summary>
    public Task<bool> IsEmptyAsync(CancellationToken ct = default)
        => RunAsync(
            async connection =>
            {
                await using var command = Command(connection, "SELECT NOT EXISTS (SELECT 1 FROM partition_states)");
                return (bool)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            },
            ct);

    /// <summary>The schema version of the database (for tests and diagnostics).</summary>
    internal Task<int> GetSchemaVersionAsync(CancellationToken ct = default)
        => RunAsync(connection => PostgresSchema.ReadVersionAsync(connection, ct), ct);

    /// <summary>The names of the schema's tables, sorted (for tests and diagnostics).</summary>
    internal Task<IReadOnlyList<string>> GetTableNamesAsync(CancellationToken ct = default)
        => RunAsync<IReadOnlyList<string>>(
            async connection =>
            {
                await using var command = Command(connection, "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1");
                return await ReadAllAsync(command, r => r.GetString(0), ct).ConfigureAwait(false);
            },
            ct);

    /// <summary>Runs <paramref name="work"/> on a pooled connection of its own.</summary>
    private async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await using var connection = await OpenConnectionAsync(_dataSource, Description, ct).ConfigureAwait(false);
        return await work(connection).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="work"/> in a transaction of its own, committed when it returns.</summary>
    private Task<T> RunInTransactionAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct)
        => RunAsync(
            async connection =>
            {
                await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                var result = await work(connection).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return result;
            },
            ct);

    private Task<bool> RunInTransactionAsync(Func<NpgsqlConnection, Task> work, CancellationToken ct)
        => RunInTransactionAsync(
            async connection =>
            {
                await work(connection).ConfigureAwait(false);
                return true;
            },
            ct);

    private static async Task<NpgsqlConnection> OpenConnectionAsync(NpgsqlDataSource dataSource, string description, CancellationToken ct)
    {
        try
        {
            return await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException && !ct.IsCancellationRequested)
        {
            throw new MetadataStoreUnavailableException(description, e);
        }
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter(name, value ?? DBNull.Value));
        }

        return command;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task<List<T>> ReadAllAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static long? NullableInt64(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
}

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
    private readonly PostgresReconnection _reconnection;
    private int _disposed;

    private PostgresMetadataStore(NpgsqlDataSource dataSource, IClock clock, PostgresReconnection reconnection)
    {
        _dataSource = dataSource;
        _clock = clock;
        _reconnection = reconnection;
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
    public static Task<PostgresMetadataStore> OpenAsync(string connectionString, IClock clock, CancellationToken ct = default)
        => OpenAsync(connectionString, clock, new PostgresStoreOptions(), ct);

    /// <summary>
    /// Opens the store as <see cref="OpenAsync(string, IClock, CancellationToken)"/> does, riding out a database that
    /// restarts or drops connections as <paramref name="options"/> say (opening included: a server still starting is
    /// waited for).
    /// </summary>
    /// <exception cref="FormatException">The connection string is malformed.</exception>
    /// <exception cref="MetadataStoreUnavailableException">The server cannot be reached within the reconnection budget or refuses the login.</exception>
    public static async Task<PostgresMetadataStore> OpenAsync(string connectionString, IClock clock, PostgresStoreOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        var builder = PostgresConnectionString.Parse(connectionString);
        var description = PostgresConnectionString.Describe(builder);
        var dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
        try
        {
            var store = new PostgresMetadataStore(dataSource, clock, new PostgresReconnection(dataSource, description, options)) { Description = description };
            // The migration is one transaction: a fault before its commit rolled it back, and a repeat finds the version.
            await store.RunAsync(connection => PostgresSchema.MigrateAsync(connection, StoredForm.Ticks(clock.GetCurrentInstant()), ct), ct).ConfigureAwait(false);
            return store;
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

    /// <summary>
    /// Runs <paramref name="work"/> (one autocommit statement, or a transaction of its own) on a pooled connection of its
    /// own, again after a transient fault as <see cref="PostgresReconnection"/> allows: by default the work is idempotent.
    /// </summary>
    private Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct, Replay<T>? replay = null)
        => RunAsync((connection, _) => work(connection), ct, replay);

    private Task<T> RunAsync<T>(Func<NpgsqlConnection, PostgresReconnection.Attempt, Task<T>> work, CancellationToken ct, Replay<T>? replay = null)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        replay ??= Replay<T>.Idempotent;
        return _reconnection.ExecuteOnConnectionAsync(_dataSource, work, replay, ct);
    }

    /// <summary>Runs <paramref name="work"/> in a transaction of its own, committed when it returns (again after a transient fault, as <see cref="RunAsync{T}(Func{NpgsqlConnection, Task{T}}, CancellationToken, Replay{T})"/>).</summary>
    private Task<T> RunInTransactionAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct, Replay<T>? replay = null)
        => RunAsync(
            async (connection, attempt) =>
            {
                attempt.Phase = PostgresReconnection.Phase.InTransaction;
                await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                var result = await work(connection).ConfigureAwait(false);
                attempt.Phase = PostgresReconnection.Phase.Committing;
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return result;
            },
            ct,
            replay);

    private Task<bool> RunInTransactionAsync(Func<NpgsqlConnection, Task> work, CancellationToken ct, Replay<bool>? replay = null)
        => RunInTransactionAsync(
            async connection =>
            {
                await work(connection).ConfigureAwait(false);
                return true;
            },
            ct,
            replay);

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

using System.Text.RegularExpressions;
using Assets.Metadata;
using Assets.Storage.Maintenance;
using DuckDB.NET.Data;
using NodaTime;

namespace Assets.Storage.Metadata;

/// <summary>
/// The embedded metadata store: one DuckDB file (by default <c>&lt;root&gt;/_meta/assets.duckdb</c>). DuckDB
/// allows one process per file, so opening a file another process holds throws
/// <see cref="MetadataStoreLockedException"/> naming that process. Within this process the store keeps one
/// connection and runs one operation at a time, so every operation sees the effects of the previous ones;
/// open one store per file and share it. Index writes (states, materialization records, events, leases) are
/// committed in groups, at most <see cref="MetadataStoreOptions.IndexWriteDelay"/> after they are made, before any
/// read, and on <see cref="DisposeAsync"/>: what that means after a crash is described there. Column encodings are
/// described on <see cref="StoredForm"/>, the tables on <see cref="MetadataSchema"/>.
/// </summary>
public sealed partial class DuckDbMetadataStore : IMetadataStore
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly IClock _clock;
    private DuckDBConnection? _connection;
    private long _lastEventSeq;

    private DuckDbMetadataStore(string path, DuckDBConnection connection, IClock clock)
    {
        Path = path;
        _connection = connection;
        _clock = clock;
    }

    /// <summary>The DuckDB database's name in an in-memory store (<see cref="OpenInMemoryAsync"/>), in place of a path.</summary>
    public const string InMemory = ":memory:";

    /// <summary>The full path of the DuckDB file, or <see cref="InMemory"/>.</summary>
    public string Path { get; }

    /// <summary>
    /// Opens (creating it and its folders when absent) the store at <paramref name="path"/> and brings its schema
    /// up to date, using the system clock for the times the store stamps itself.
    /// </summary>
    /// <exception cref="MetadataStoreLockedException">Another process holds the file.</exception>
    public static Task<DuckDbMetadataStore> OpenAsync(string path, CancellationToken ct = default)
        => OpenAsync(path, SystemClock.Instance, ct);

    /// <summary>
    /// Opens (creating it and its folders when absent) the store at <paramref name="path"/> and brings its schema
    /// up to date. <paramref name="clock"/> stamps what the store changes by itself (a partition reconciliation
    /// turns missing, a migration's time).
    /// </summary>
    /// <exception cref="MetadataStoreLockedException">Another process holds the file.</exception>
    public static Task<DuckDbMetadataStore> OpenAsync(string path, IClock clock, CancellationToken ct = default)
        => OpenAsync(path, clock, MetadataStoreOptions.Default, ct);

    /// <summary>
    /// Opens (creating it and its folders when absent) the store at <paramref name="path"/> and brings its schema
    /// up to date, with <paramref name="options"/> (how index writes are grouped into commits).
    /// </summary>
    /// <exception cref="MetadataStoreLockedException">Another process holds the file.</exception>
    public static Task<DuckDbMetadataStore> OpenAsync(string path, IClock clock, MetadataStoreOptions options, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ct.ThrowIfCancellationRequested();
        var fullPath = System.IO.Path.GetFullPath(path);
        if (System.IO.Path.GetDirectoryName(fullPath) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        var connection = new DuckDBConnection(new DuckDBConnectionStringBuilder { DataSource = fullPath }.ConnectionString);
        try
        {
            connection.Open();
        }
        catch (DuckDBException e) when (IsLockConflict(e.Message))
        {
            connection.Dispose();
            throw Locked(fullPath, e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        try
        {
            MetadataSchema.Migrate(connection, () => StoredForm.Ticks(clock.GetCurrentInstant()));
            var store = new DuckDbMetadataStore(fullPath, connection, clock);
            store.Initialize(options);
            return Task.FromResult(store);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a store held in memory by an in-process DuckDB database: no file, nothing left behind when it is disposed,
    /// the same schema and semantics as a file-backed store. For tests (Assets.Testing builds on it) and throwaway runs.
    /// Index writes are committed at once (<see cref="MetadataStoreOptions.IndexWriteDelay"/> zero): there is no crash
    /// to group them against.
    /// </summary>
    public static Task<DuckDbMetadataStore> OpenInMemoryAsync(IClock clock, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ct.ThrowIfCancellationRequested();
        var connection = new DuckDBConnection(new DuckDBConnectionStringBuilder { DataSource = InMemory }.ConnectionString);
        try
        {
            connection.Open();
            MetadataSchema.Migrate(connection, () => StoredForm.Ticks(clock.GetCurrentInstant()));
            var store = new DuckDbMetadataStore(InMemory, connection, clock);
            store.Initialize(new MetadataStoreOptions { IndexWriteDelay = Duration.Zero });
            return Task.FromResult(store);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Commits the pending index writes and closes the file; then, and only if the commit succeeded, records the session
    /// closed cleanly when the index is known to agree with the root (<see cref="IStoreSession"/>), so the next open
    /// trusts it. Pointer writes begun after this starts are refused.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var unsettled = _pointerWrites.Close();
            if (_connection is not null)
            {
                CommitPending(_connection);
                EndSession(_connection, unsettled);
            }
        }
        finally
        {
            _prepared.Dispose();
            _connection?.Dispose();
            _connection = null;
            _pointerWriteLog?.Dispose();
            _gate.Release();
        }
    }

    /// <summary>The schema version of the file (for tests and diagnostics).</summary>
    internal Task<int> GetSchemaVersionAsync(CancellationToken ct = default)
        => RunAsync(MetadataSchema.ReadVersion, ct);

    /// <summary>The names of the file's tables, sorted (for tests and diagnostics).</summary>
    internal Task<IReadOnlyList<string>> GetTableNamesAsync(CancellationToken ct = default)
        => RunAsync<IReadOnlyList<string>>(
            connection =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary ORDER BY table_name";
                using var reader = command.ExecuteReader();
                var names = new List<string>();
                while (reader.Read())
                {
                    names.Add(reader.GetString(0));
                }

                return names;
            },
            ct);

    private void Initialize(MetadataStoreOptions options)
    {
        var connection = _connection!;

        // SET takes no parameters; the value is a validated integer, never text from a user.
        Execute(connection, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"SET threads = {options.Threads}"));
        LoadGeneration(connection);
        ReleaseLeasesOfGoneProcesses(connection);
        BeginSession(connection);
        InitializeWriteBehind(connection, options);
        using var command = connection.CreateCommand();

        // Staging area for bulk writes of states: appended to, then merged into partition_states by one statement.
        command.CommandText = """
            CREATE TEMP TABLE IF NOT EXISTS staged_states AS SELECT * FROM partition_states LIMIT 0;
            """;
        command.ExecuteNonQuery();
        command.CommandText = "SELECT coalesce(max(seq), 0) FROM run_events";
        _lastEventSeq = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs <paramref name="work"/> alone on the connection, after committing the pending index writes so it sees them.</summary>
    private async Task<T> RunAsync<T>(Func<DuckDBConnection, T> work, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_connection is null, this);
            ct.ThrowIfCancellationRequested();
            CommitPending(_connection);
            return work(_connection);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> alone on the connection, in a transaction that also moves the status generation
    /// forward unless <paramref name="effect"/> says the work cannot change a status.
    /// </summary>
    private Task<bool> RunInTransactionAsync(Action<DuckDBConnection> work, CancellationToken ct, StatusEffect effect = StatusEffect.MayChangeStatus)
        => RunStatusTransactionAsync(
            connection =>
            {
                work(connection);
                return effect == StatusEffect.MayChangeStatus;
            },
            ct);

    /// <summary>
    /// Runs <paramref name="work"/> alone on the connection, in a transaction; when it returns <c>true</c> (it changed
    /// something a status is evaluated from) the status generation moves forward in the same transaction.
    /// </summary>
    private Task<bool> RunStatusTransactionAsync(Func<DuckDBConnection, bool> work, CancellationToken ct)
        => RunAsync(
            connection =>
            {
                _prepared.Begin(connection);
                try
                {
                    var changed = work(connection);
                    var generation = changed ? WriteNextGeneration(connection) : _generation;
                    _prepared.Commit(connection);
                    _generation = generation;
                    return changed;
                }
                catch
                {
                    _prepared.RollBackQuietly(connection);
                    throw;
                }
            },
            ct);

    private static DuckDBCommand Command(DuckDBConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new DuckDBParameter(name, value ?? DBNull.Value));
        }

        return command;
    }

    private static void Execute(DuckDBConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using var command = Command(connection, sql, parameters);
        command.ExecuteNonQuery();
    }

    /// <summary>Runs a statement and returns how many rows it changed.</summary>
    private static int ExecuteCounting(DuckDBConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static string? NullableString(DuckDBDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static long? NullableInt64(DuckDBDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    private static bool IsLockConflict(string message) => message.Contains("Could not set lock on file", StringComparison.Ordinal);

    /// <summary>
    /// DuckDB says: <c>IO Error: Could not set lock on file "PATH": Conflicting lock is held in PROGRAM (PID 123)
    /// [by user U]. See also https://duckdb.org/docs/stable/connect/concurrency</c>.
    /// </summary>
    private static MetadataStoreLockedException Locked(string path, DuckDBException error)
    {
        var match = LockHolder().Match(error.Message);
        int? pid = match.Success && int.TryParse(match.Groups["pid"].Value, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;
        var program = match.Success ? match.Groups["program"].Value : null;
        return new MetadataStoreLockedException(path, pid, string.IsNullOrWhiteSpace(program) ? null : program, error);
    }

    [GeneratedRegex(@"Conflicting lock is held in (?<program>.*?) \(PID (?<pid>\d+)\)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex LockHolder();
}

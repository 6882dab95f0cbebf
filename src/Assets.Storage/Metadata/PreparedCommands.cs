using DuckDB.NET.Data;
using DuckDB.NET.Native;

namespace Assets.Storage.Metadata;

/// <summary>
/// Statements of one connection kept prepared for what a store runs on every step or group commit: DuckDB parses,
/// binds and plans a statement each time it is prepared, which costs more than running these small statements, and
/// DuckDB.NET's <see cref="DuckDBCommand"/> (1.5) prepares its text again at every execution (1,301 statements parsed
/// in a fresh materialize of the example). These are prepared once through DuckDB's C API, one per text, and run again
/// with their parameters bound afresh. Not thread-safe (the store's lock guards it); forgotten with its connection:
/// <see cref="Dispose"/> before the connection is closed.
/// </summary>
internal sealed class PreparedCommands : IDisposable
{
    private readonly Dictionary<string, DuckDBPreparedStatement> _statements = new(StringComparer.Ordinal);
    private DuckDBConnection? _connection;

    /// <summary>Runs <paramref name="sql"/>, one statement whose result is not wanted, prepared once, with <paramref name="parameters"/> bound as <see cref="Query{T}"/> does.</summary>
    /// <exception cref="MetadataStatementException">DuckDB refused to prepare or run it.</exception>
    public void Execute(DuckDBConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
        => Query(connection, sql, static (ref DuckDBResult _) => true, parameters);

    /// <summary>
    /// Runs <paramref name="sql"/>, one statement prepared once, with <paramref name="parameters"/> bound by name (text, whole
    /// numbers and null), and returns what <paramref name="read"/> makes of its result, which lives only for that call.
    /// </summary>
    /// <exception cref="MetadataStatementException">DuckDB refused to prepare or run it.</exception>
    public T Query<T>(DuckDBConnection connection, string sql, ReadResult<T> read, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var statement = Prepared(connection, sql);
        Bind(statement, sql, parameters);
        var state = NativeMethods.PreparedStatements.DuckDBExecutePrepared(statement, out var result);
        try
        {
            if (state != DuckDBState.Success)
            {
                throw new MetadataStatementException(NativeMethods.Query.DuckDBResultError(ref result), sql);
            }

            return read(ref result);
        }
        finally
        {
            NativeMethods.Query.DuckDBDestroyResult(ref result);
        }
    }

    /// <summary>Starts a transaction on <paramref name="connection"/> (prepared once; <see cref="DuckDBConnection.BeginTransaction()"/> parses it each time).</summary>
    public void Begin(DuckDBConnection connection) => Execute(connection, "BEGIN TRANSACTION");

    /// <summary>Commits the transaction <see cref="Begin"/> started.</summary>
    public void Commit(DuckDBConnection connection) => Execute(connection, "COMMIT");

    /// <summary>Rolls back the transaction <see cref="Begin"/> started, if DuckDB still holds it open (a failed statement or commit may have ended it).</summary>
    public void RollBackQuietly(DuckDBConnection connection)
    {
        try
        {
            Execute(connection, "ROLLBACK");
        }
#pragma warning disable CA1031 // The caller reports the error that stopped the transaction; one already ended cannot be rolled back.
        catch (MetadataStatementException)
#pragma warning restore CA1031
        {
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var statement in _statements.Values)
        {
            statement.Dispose();
        }

        _statements.Clear();
        _connection = null;
    }

    private DuckDBPreparedStatement Prepared(DuckDBConnection connection, string sql)
    {
        UseConnection(connection);
        if (!_statements.TryGetValue(sql, out var statement))
        {
            if (NativeMethods.PreparedStatements.DuckDBPrepare(connection.NativeConnection, sql, out statement) != DuckDBState.Success)
            {
                var error = NativeMethods.PreparedStatements.DuckDBPrepareError(statement);
                statement.Dispose();
                throw new MetadataStatementException(error, sql);
            }

            _statements[sql] = statement;
        }

        return statement;
    }

    private static void Bind(DuckDBPreparedStatement statement, string sql, ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        if (parameters.Length == 0)
        {
            return;
        }

        // Every execution of a text binds the same names (DuckDB.NET 1.5 does not bind duckdb_clear_bindings), so no value
        // of an earlier execution is left bound.
        foreach (var (name, value) in parameters)
        {
            if (NativeMethods.PreparedStatements.DuckDBBindParameterIndex(statement, out var index, name) != DuckDBState.Success)
            {
                throw new MetadataStatementException($"no parameter ${name}", sql);
            }

            var bound = value switch
            {
                null => NativeMethods.PreparedStatements.DuckDBBindNull(statement, index),
                string text => NativeMethods.PreparedStatements.DuckDBBindVarchar(statement, index, text),
                long number => NativeMethods.PreparedStatements.DuckDBBindInt64(statement, index, number),
                int number => NativeMethods.PreparedStatements.DuckDBBindInt64(statement, index, number),
                bool flag => NativeMethods.PreparedStatements.DuckDBBindBoolean(statement, index, flag),
                _ => throw new ArgumentException($"A parameter of type {value.GetType()} is not bound here: run {sql} through a DuckDBCommand.", nameof(parameters)),
            };
            if (bound != DuckDBState.Success)
            {
                throw new MetadataStatementException($"cannot bind ${name}", sql);
            }
        }
    }

    /// <summary>Statements belong to the connection that prepared them: another connection starts afresh.</summary>
    private void UseConnection(DuckDBConnection connection)
    {
        if (!ReferenceEquals(_connection, connection))
        {
            Dispose();
            _connection = connection;
        }
    }
}

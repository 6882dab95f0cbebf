using DuckDB.NET.Data;
using DuckDB.NET.Native;

namespace Assets.Storage.Metadata;

/// <summary>
/// Statements of one connection kept prepared for what a store runs on every step or group commit: DuckDB parses,
/// binds and plans a statement each time it is prepared, which costs more than running these small statements, and
/// DuckDB.NET's <see cref="DuckDBCommand"/> (1.5) prepares its text again at every execution. Statements without
/// parameters or results (<see cref="Execute"/>, <see cref="Begin"/>, <see cref="Commit"/>) are therefore prepared once
/// through DuckDB's C API and run again as they are; statements with parameters or results go through one
/// <see cref="DuckDBCommand"/> per text (<see cref="Get"/>), which saves the command objects but not the parse. Not
/// thread-safe (the store's lock guards it); forgotten with its connection: <see cref="Dispose"/> before the
/// connection is closed.
/// </summary>
internal sealed class PreparedCommands : IDisposable
{
    private readonly Dictionary<string, DuckDBCommand> _commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DuckDBPreparedStatement> _statements = new(StringComparer.Ordinal);
    private DuckDBConnection? _connection;

    /// <summary>The command of <paramref name="sql"/> on <paramref name="connection"/>, with <paramref name="parameters"/> bound.</summary>
    public DuckDBCommand Get(DuckDBConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        UseConnection(connection);
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }

        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new DuckDBParameter(name, value ?? DBNull.Value));
        }

        return command;
    }

    /// <summary>Runs <paramref name="sql"/>, one statement without parameters whose result is not wanted, prepared once.</summary>
    /// <exception cref="MetadataStatementException">DuckDB refused to prepare or run it.</exception>
    public void Execute(DuckDBConnection connection, string sql)
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

        var state = NativeMethods.PreparedStatements.DuckDBExecutePrepared(statement, out var result);
        try
        {
            if (state != DuckDBState.Success)
            {
                throw new MetadataStatementException(NativeMethods.Query.DuckDBResultError(ref result), sql);
            }
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
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        foreach (var statement in _statements.Values)
        {
            statement.Dispose();
        }

        _commands.Clear();
        _statements.Clear();
        _connection = null;
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

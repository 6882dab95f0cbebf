using DuckDB.NET.Data;

namespace Assets.Storage.Metadata;

/// <summary>
/// Commands of one connection kept prepared for the statements a store runs on every step or group commit: DuckDB parses,
/// binds and plans a statement each time a new command runs it, which costs more than running these small statements.
/// A <see cref="DuckDBCommand"/> keeps its prepared statement while its text is unchanged, so each text gets its own
/// command, created on first use. Parameters are rebound at every execution. Not thread-safe (the store's lock guards
/// it); disposed, and so forgotten, with its connection.
/// </summary>
internal sealed class PreparedCommands : IDisposable
{
    private readonly Dictionary<string, DuckDBCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>The prepared command of <paramref name="sql"/> on <paramref name="connection"/>, with <paramref name="parameters"/> bound.</summary>
    public DuckDBCommand Get(DuckDBConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        if (!_commands.TryGetValue(sql, out var command) || command.Connection != connection)
        {
            command?.Dispose();
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

    /// <summary>Runs the prepared statement of <paramref name="sql"/> (without parameters).</summary>
    public void Execute(DuckDBConnection connection, string sql) => Get(connection, sql).ExecuteNonQuery();

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }
}

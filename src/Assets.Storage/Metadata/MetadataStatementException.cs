using System.Data.Common;

namespace Assets.Storage.Metadata;

/// <summary>
/// DuckDB refused a statement the store runs through its C API (<see cref="PreparedCommands.Execute"/>): what
/// <c>DuckDBException</c> says for statements run through DuckDB.NET, whose constructors are not public.
/// </summary>
internal sealed class MetadataStatementException(string? error, string sql)
    : DbException($"DuckDB refused a statement of the metadata store ({(string.IsNullOrEmpty(error) ? "no reason given" : error)}): {FirstLine(sql)}")
{
    private static string FirstLine(string sql) => sql.Trim().Split('\n')[0].Trim();
}

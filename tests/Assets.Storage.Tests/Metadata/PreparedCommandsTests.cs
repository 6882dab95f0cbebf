using System.Data.Common;
using Assets.Storage.Metadata;
using DuckDB.NET.Data;
using DuckDB.NET.Native;

namespace Assets.Storage.Tests.Metadata;

/// <summary>Statements prepared once through DuckDB's C API: bound afresh at every run, rolled back on failure, refused with DuckDB's reason.</summary>
public sealed class PreparedCommandsTests : IDisposable
{
    private readonly DuckDBConnection _connection = new("Data Source=:memory:");
    private readonly PreparedCommands _prepared = new();

    public PreparedCommandsTests()
    {
        _connection.Open();
        _prepared.Execute(_connection, "CREATE TABLE t (name VARCHAR, n BIGINT, flag BOOLEAN)");
    }

    [Fact]
    public void Query_RunTwiceWithOtherValues_BindsTheNewValues_AndReadsNulls()
    {
        const string insert = "INSERT INTO t VALUES ($name, $n, $flag)";
        _prepared.Execute(_connection, insert, ("name", "a"), ("n", 1L), ("flag", true));
        _prepared.Execute(_connection, insert, ("name", null), ("n", null), ("flag", false));

        const string select = "SELECT name, n FROM t WHERE flag = $flag";
        Assert.Equal(("a", 1L), _prepared.Query(_connection, select, ReadFirst, ("flag", true)));
        Assert.Equal((null, null), _prepared.Query(_connection, select, ReadFirst, ("flag", false)));
        Assert.Equal(0L, _prepared.Query(_connection, "SELECT name FROM t WHERE n = $n", static (ref DuckDBResult r) => NativeResult.RowCount(ref r), ("n", 7L)));
    }

    [Fact]
    public void Execute_AfterItsTableIsReplaced_RunsAgainstTheNewTable()
    {
        const string insert = "INSERT INTO t (name) VALUES ('x')";
        _prepared.Execute(_connection, insert);
        _prepared.Execute(_connection, "DROP TABLE t");
        _prepared.Execute(_connection, "CREATE TABLE t (flag BOOLEAN, name VARCHAR, n BIGINT)");

        _prepared.Execute(_connection, insert);

        Assert.Equal(1L, _prepared.Query(_connection, "SELECT count(*) FROM t WHERE name = 'x'", static (ref DuckDBResult r) => NativeResult.GetInt64(ref r, 0, 0)!.Value));
    }

    [Fact]
    public void RollBackQuietly_AfterBegin_UndoesTheTransaction_AndIsHarmlessWithoutOne()
    {
        _prepared.Begin(_connection);
        _prepared.Execute(_connection, "INSERT INTO t (name) VALUES ('gone')");
        _prepared.RollBackQuietly(_connection);
        _prepared.RollBackQuietly(_connection);

        Assert.Equal(0L, _prepared.Query(_connection, "SELECT count(*) FROM t", static (ref DuckDBResult r) => NativeResult.GetInt64(ref r, 0, 0)!.Value));
    }

    [Fact]
    public void Execute_AStatementDuckDbRefuses_ThrowsWithDuckDbsReasonAndTheStatement()
    {
        var error = Assert.ThrowsAny<DbException>(() => _prepared.Execute(_connection, "INSERT INTO missing VALUES (1)"));

        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("INSERT INTO missing VALUES (1)", error.Message, StringComparison.Ordinal);
        _prepared.Execute(_connection, "INSERT INTO t (name) VALUES ('still usable')");
    }

    public void Dispose()
    {
        _prepared.Dispose();
        _connection.Dispose();
    }

    private static (string? Name, long? N) ReadFirst(ref DuckDBResult result)
        => (NativeResult.GetString(ref result, 0, 0), NativeResult.GetInt64(ref result, 1, 0));
}

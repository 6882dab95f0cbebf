#:package DuckDB.NET.Data.Full
// Holds a DuckDB file open until its standard input closes, so tests can see what another process gets
// when it opens the same file (DuckDB allows one process per file). Usage:
//   dotnet run --file tests/tools/lock-holder.cs -- <path to .duckdb>
// Prints "holding <pid>" once the file is open; <pid> is this process, the one DuckDB names as the holder.
using DuckDB.NET.Data;

if (args.Length != 1)
{
    Console.Error.WriteLine("usage: lock-holder <path to .duckdb>");
    return 2;
}

using var connection = new DuckDBConnection(new DuckDBConnectionStringBuilder { DataSource = args[0] }.ConnectionString);
connection.Open();
Console.WriteLine($"holding {Environment.ProcessId}");
Console.Out.Flush();
while (Console.ReadLine() is not null)
{
}

return 0;

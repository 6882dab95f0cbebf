using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Assets.Storage.Tests.Postgres;

/// <summary>
/// A throwaway PostgreSQL cluster for tests: <c>initdb</c> into a temp folder (as the <c>postgres</c> user when the
/// tests run as root, since the server refuses to run as root), started with <c>pg_ctl</c> on a free loopback port with
/// a socket folder of its own, stopped and deleted on dispose. Never the machine's own cluster. Each test takes a
/// schema of its own (<see cref="CreateSchemaAsync"/>), so tests share one server cheaply. Missing binaries fail the
/// tests (they do not skip): <c>.ci/run</c> installs PostgreSQL where <c>initdb</c> is missing.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    private string _folder = string.Empty;
    private string _bin = string.Empty;
    private bool _asPostgresUser;

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>A connection string to the cluster's <c>postgres</c> database as the superuser.</summary>
    public string AdminConnectionString => new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = "postgres", Pooling = false }.ConnectionString;

    public async Task InitializeAsync()
    {
        _bin = FindBinaries();
        _asPostgresUser = Environment.UserName == "root";
        _folder = Path.Combine(Path.GetTempPath(), "assets-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(_folder, "socket"));
        if (_asPostgresUser)
        {
            await RunAsync("chown", ["-R", "postgres", _folder], asPostgres: false);
        }

        await RunAsync(Path.Combine(_bin, "initdb"), ["-D", DataFolder, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], _asPostgresUser);
        Port = FreePort();
        await StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_folder.Length == 0)
        {
            return;
        }

        try
        {
            await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataFolder, "-m", "immediate", "-w", "stop"], _asPostgresUser);
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>Starts the server again (after <see cref="StopAsync"/>), on the same port.</summary>
    public Task StartAsync()
        => RunAsync(
            Path.Combine(_bin, "pg_ctl"),
            ["-D", DataFolder, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60", "-o", ServerOptions, "start"],
            _asPostgresUser);

    /// <summary>
    /// Restarts the server as an operator would (<c>pg_ctl restart</c>, fast mode: sessions are ended with 57P01 and
    /// transactions in flight rolled back), on the same port; returns once it accepts connections again.
    /// </summary>
    public Task RestartAsync()
        => RunAsync(
            Path.Combine(_bin, "pg_ctl"),
            ["-D", DataFolder, "-l", Path.Combine(_folder, "server.log"), "-m", "fast", "-w", "-t", "60", "-o", ServerOptions, "restart"],
            _asPostgresUser);

    /// <summary>Stops the server at once (connections are cut, as when a database server dies).</summary>
    public Task StopAsync() => RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataFolder, "-m", "immediate", "-w", "stop"], _asPostgresUser);

    /// <summary>
    /// Creates an empty schema and returns a connection string whose search path is that schema: a database of one's own
    /// as far as the metadata store can tell.
    /// </summary>
    public async Task<string> CreateSchemaAsync()
    {
        var schema = "t_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = "postgres", SearchPath = schema }.ConnectionString;
    }

    private string DataFolder => Path.Combine(_folder, "data");

    private string ServerOptions => $"-p {Port} -k {Path.Combine(_folder, "socket")} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200";

    private static string FindBinaries()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .FirstOrDefault(folder => File.Exists(Path.Combine(folder, "initdb")));
        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        return onPath ?? installed ?? throw new InvalidOperationException(
            "PostgreSQL's initdb was not found on PATH nor under /usr/lib/postgresql/*/bin: install PostgreSQL (apt-get install postgresql; .ci/run does it).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var prefix in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(prefix);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error} {await output}");
        }
    }
}

/// <summary>The test classes that share one <see cref="PostgresCluster"/> (they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresTests : ICollectionFixture<PostgresCluster>
{
    public const string Name = "PostgreSQL";
}

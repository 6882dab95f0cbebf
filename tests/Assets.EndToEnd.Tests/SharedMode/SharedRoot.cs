using Assets.Storage.Tests.Postgres;

namespace Assets.EndToEnd.Tests.SharedMode;

/// <summary>
/// A temporary root whose metadata store is a schema of its own on the test cluster (the shared mode), with partition
/// leases that lapse within seconds (3 s, renewed every second) so a killed process keeps others out only briefly.
/// </summary>
public abstract class SharedRoot(PostgresCluster cluster, string name) : TempRoot(name), IAsyncLifetime
{
    /// <summary>The throwaway PostgreSQL cluster the tests started (restart it to fault every process at once).</summary>
    protected PostgresCluster Cluster => cluster;

    /// <summary>The connection string of this test's schema, also set as <c>Assets__Metadata</c>.</summary>
    protected string Metadata { get; private set; } = string.Empty;

    public virtual async Task InitializeAsync()
    {
        Metadata = await cluster.CreateSchemaAsync();
        Settings["Assets__Metadata"] = Metadata;
        Settings["Assets__Leases__Duration"] = "3s";
        Settings["Assets__Leases__Heartbeat"] = "1s";
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;
}

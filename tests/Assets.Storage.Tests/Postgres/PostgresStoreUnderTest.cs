using Assets.Storage.Metadata.Postgres;
using Assets.Storage.Tests.Metadata;
using NodaTime;

namespace Assets.Storage.Tests.Postgres;

/// <summary>A PostgreSQL store in a schema of its own on the shared test cluster.</summary>
public sealed class PostgresStoreUnderTest(PostgresCluster cluster) : IStoreUnderTest<PostgresMetadataStore>
{
    private readonly Lazy<Task<string>> _connectionString = new(cluster.CreateSchemaAsync);

    /// <summary>The connection string of the store's schema (created on first use, once however many open it at once).</summary>
    public Task<string> ConnectionStringAsync() => _connectionString.Value;

    public async Task<PostgresMetadataStore> OpenAsync(IClock clock) => await PostgresMetadataStore.OpenAsync(await ConnectionStringAsync(), clock);

    // The schema goes with the cluster: dropping it here would cost more than it saves.
    public Task DeleteAsync() => Task.CompletedTask;
}

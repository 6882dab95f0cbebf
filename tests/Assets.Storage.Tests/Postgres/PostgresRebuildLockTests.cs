using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using Assets.Storage.Metadata.Postgres;
using Npgsql;
using NodaTime;

namespace Assets.Storage.Tests.Postgres;

/// <summary>The lock that lets one process of several rebuild an empty shared store is given back as soon as it is done.</summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresRebuildLockTests(PostgresCluster cluster)
{
    [Fact]
    public async Task RebuildIfEmpty_ReleasesTheRebuildLock_WhileTheRebuildingStoreStaysOpen()
    {
        var connectionString = await cluster.CreateSchemaAsync();
        await using var store = await PostgresMetadataStore.OpenAsync(connectionString, SystemClock.Instance);
        var partition = new AssetPartition(AssetKey.Parse("orders"), new PartitionKey("2026-01-01"));

        var rebuilt = await store.RebuildIfEmptyAsync(
            ct => store.SetStatesAsync([new PartitionState(partition, PartitionStatus.Missing, null, null, null, null, null, null, SystemClock.Instance.GetCurrentInstant())], ct),
            CancellationToken.None);

        // Another process opening the store now must not wait on this one's idle pooled connection.
        Assert.True(rebuilt);
        await using var other = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await other.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended('assets:rebuild:' || current_schema(), 0))", other);
        Assert.True((bool)(await command.ExecuteScalarAsync())!, "the rebuild lock is still held by the store that rebuilt");
    }
}

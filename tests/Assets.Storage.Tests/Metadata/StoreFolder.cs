using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using Assets.Storage.Metadata;
using NodaTime;

namespace Assets.Storage.Tests.Metadata;

/// <summary>A temporary folder for a metadata file, deleted afterwards, and builders of test values.</summary>
internal sealed class StoreFolder
{
    public static readonly Instant T0 = Instant.FromUtc(2026, 1, 5, 6, 0);

    public StoreFolder()
    {
        Folder = Path.Combine(Path.GetTempPath(), "assets-metadata-tests", Guid.NewGuid().ToString("N"));
        DatabasePath = Path.Combine(Folder, "_meta", "assets.duckdb");
    }

    public string Folder { get; }

    public string DatabasePath { get; }

    public FixedClock Clock { get; } = new(T0);

    public Task<DuckDbMetadataStore> OpenAsync() => DuckDbMetadataStore.OpenAsync(DatabasePath, Clock);

    public void Delete()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    public static AssetPartition Daily(string asset, string day) => new(AssetKey.Parse(asset), new PartitionKey(day));

    public static AssetPartition Whole(string asset) => new(AssetKey.Parse(asset), null);

    public static PartitionState Published(AssetPartition partition, string dataVersion = "d1", long sequence = 1, Instant? at = null)
        => new(partition, PartitionStatus.Published, null, MaterializationId.New(), dataVersion, "c1", sequence, at ?? T0, at ?? T0);

    public static PartitionState WithStatus(AssetPartition partition, PartitionStatus status, string? cause = null)
        => new(partition, status, cause, null, null, null, null, null, T0);

    /// <summary>Materializes a partition the way the executor records it: what its upstream holds now, then its state.</summary>
    public static async Task PublishAsync(IMetadataStore store, AssetGraph graph, AssetPartition partition, string dataVersion)
    {
        var read = new List<UpstreamVersion>();
        foreach (var (dependency, mapped) in graph.GetUpstreamPartitions(partition, T0))
        {
            foreach (var key in mapped.Keys)
            {
                var upstream = await store.GetStateAsync(new AssetPartition(dependency.Upstream, key));
                read.Add(new UpstreamVersion(dependency.Upstream, key, upstream!.DataVersion!));
            }
        }

        var codeVersion = graph[partition.Asset].CodeVersion;
        var id = MaterializationId.New();
        await store.RecordMaterializationAsync(new MaterializationRecord(partition, id, RunId.New(), dataVersion, codeVersion, 1, 1, "m", read, T0, T0, 1));
        await store.SetStatesAsync([new PartitionState(partition, PartitionStatus.Published, null, id, dataVersion, codeVersion, 1, T0, T0)]);
    }
}

internal sealed class FixedClock(Instant now) : IClock
{
    public Instant Now { get; set; } = now;

    public Instant GetCurrentInstant() => Now;
}

using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using Assets.Storage.Metadata;
using Assets.Storage.Objects;
using Assets.Storage.Objects.Local;
using Assets.Storage.Objects.Memory;
using Assets.Storage.Parquet;
using Assets.Storage.Publishing;
using NodaTime;
using NodaTime.Testing;

namespace Assets.Storage.Tests.Publishing;

public sealed record Sale
{
    public string Id { get; init; } = "";

    public decimal Amount { get; init; }
}

/// <summary>Which object store a protocol test runs on.</summary>
public enum StoreKind
{
    Memory,
    Local,
}

/// <summary>
/// An object store, a DuckDB metadata store in a temp folder and a fake clock, with helpers that run the
/// publish protocol the way the executor will: claim, stage Parquet, manifest, publish.
/// </summary>
public sealed class ProtocolHarness : IAsyncDisposable
{
    public static readonly AssetPartition Day = new(AssetKey.Parse("sales/orders"), new PartitionKey("2026-01-05"));

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "assets-protocol-" + Guid.NewGuid().ToString("N"));
    private readonly List<IMetadataStore> _opened = [];

    private ProtocolHarness(Func<string, IObjectStore> createStore)
    {
        Directory.CreateDirectory(_folder);
        Store = createStore(_folder);
        Publisher = null!;
    }

    public IObjectStore Store { get; }

    public InMemoryObjectStore Memory => (InMemoryObjectStore)Store;

    public FakeClock Clock { get; } = new(Instant.FromUtc(2026, 1, 6, 3, 0));

    public IMetadataStore Metadata { get; private set; } = null!;

    public PartitionPublisher Publisher { get; private set; }

    public PublisherOptions Options => new() { LeaseDuration = Duration.FromMinutes(10), StagingDirectory = Path.Combine(_folder, "staging") };

    public static Task<ProtocolHarness> CreateAsync(StoreKind kind = StoreKind.Memory, bool enforcesConditionalWrites = true)
        => CreateAsync(folder => kind == StoreKind.Memory
            ? new InMemoryObjectStore(enforcesConditionalWrites)
            : new LocalObjectStore(Path.Combine(folder, "root")));

    /// <summary>A harness over a local root that counts every listing and read (<see cref="Observed"/>): for tests of what an open reads.</summary>
    public static Task<ProtocolHarness> CreateObservedAsync()
        => CreateAsync(folder => new ObservedObjectStore(new LocalObjectStore(Path.Combine(folder, "root"))));

    /// <summary>The counting store of a harness made by <see cref="CreateObservedAsync"/>.</summary>
    public ObservedObjectStore Observed => (ObservedObjectStore)Store;

    /// <summary>A reconciler of this harness's root with <paramref name="metadata"/>.</summary>
    public Maintenance.PointerReconciler Reconciler(IMetadataStore metadata) => new(Store, metadata, Clock);

    /// <summary>A harness over any store (S3 tests pass theirs); the metadata store and staging stay in a temp folder.</summary>
    public static async Task<ProtocolHarness> CreateAsync(Func<string, IObjectStore> createStore)
    {
        var harness = new ProtocolHarness(createStore);
        await harness.OpenMetadataAsync("assets.duckdb");
        return harness;
    }

    /// <summary>Opens (another) metadata store file and publishes through it, as a second machine or a restarted process would.</summary>
    public async Task<IMetadataStore> OpenMetadataAsync(string name, MetadataStoreOptions? options = null)
    {
        var metadata = await DuckDbMetadataStore.OpenAsync(Path.Combine(_folder, name), Clock, options ?? new MetadataStoreOptions());
        _opened.Add(metadata);
        Metadata = metadata;
        Publisher = new PartitionPublisher(Store, metadata, Clock, Options);
        return metadata;
    }

    /// <summary>Publishes through <paramref name="metadata"/> (a decorator injecting faults) from now on.</summary>
    public void UseMetadata(IMetadataStore metadata)
    {
        Metadata = metadata;
        Publisher = new PartitionPublisher(Store, metadata, Clock, Options);
    }

    public static Sale[] Rows(int count, int seed = 0)
        => Enumerable.Range(0, count).Select(i => new Sale { Id = $"S-{seed}-{i:D5}", Amount = (i * 7 + seed) % 1000 / 10m }).ToArray();

    public static Task<ManifestFile> StageAsync(Publication publication, IReadOnlyList<Sale> rows)
        => publication.StageFileAsync(async (stream, ct) => (await ParquetRecordFormat.WriteAsync(rows, stream, cancellationToken: ct)).Rows);

    public static Task<Manifest> ManifestAsync(Publication publication)
        => publication.WriteManifestAsync("1", [], null, ParquetRecordFormat.DescribeSchema(typeof(Sale)));

    /// <summary>All four protocol steps on a fresh publication.</summary>
    public async Task<PartitionPointer> PublishAsync(IReadOnlyList<Sale> rows, AssetPartition? partition = null)
    {
        await using var publication = await Publisher.BeginAsync(partition ?? Day, RunId.New());
        await StageAsync(publication, rows);
        await ManifestAsync(publication);
        return await publication.PublishAsync();
    }

    /// <summary>What a reader gets now: pointer, manifest, files, rows; <c>null</c> when never published.</summary>
    public async Task<Sale[]?> ReadAsync(AssetPartition? partition = null)
    {
        var (pointer, _) = await PublishedPartitions.ReadPointerAsync(Store, partition ?? Day);
        return pointer is null ? null : [.. await new PartitionReader(Store).ReadAsync<Sale>(partition ?? Day).ToListAsync()];
    }

    public async Task<byte[]> ReadBytesAsync(string key)
    {
        await using var stream = await Store.OpenReadAsync(ObjectKey.Parse(key));
        using var copy = new MemoryStream();
        await stream!.CopyToAsync(copy);
        return copy.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var metadata in _opened)
        {
            await metadata.DisposeAsync();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}

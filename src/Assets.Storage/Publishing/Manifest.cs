using Assets.Graph;
using Assets.Metadata;
using NodaTime;

namespace Assets.Storage.Publishing;

/// <summary>One data file of a materialization, as its manifest lists it.</summary>
/// <param name="Path">The file's object key, under the materialization's data folder.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Sha256">The lower-case hex SHA-256 of its bytes.</param>
/// <param name="Rows">The rows it holds.</param>
public sealed record ManifestFile(string Path, long Size, string Sha256, long Rows);

/// <summary>
/// The immutable description of one materialization (DESIGN.md, publish protocol step 4): what was
/// written, from which upstream versions, by which code. Readers find data only through a manifest,
/// and a manifest only lists files under its own materialization's data folder.
/// </summary>
public sealed record Manifest
{
    /// <summary>The version of this document's format.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The asset and partition.</summary>
    public required AssetPartition Partition { get; init; }

    /// <summary>The materialization.</summary>
    public required MaterializationId MaterializationId { get; init; }

    /// <summary>The run that wrote it.</summary>
    public required RunId RunId { get; init; }

    /// <summary>The data files, in order.</summary>
    public required IReadOnlyList<ManifestFile> Files { get; init; }

    /// <summary>Rows in all files.</summary>
    public long RowCount => Files.Sum(f => f.Rows);

    /// <summary>A stable description of the columns; <c>null</c> when the asset writes elsewhere.</summary>
    public string? Schema { get; init; }

    /// <summary>A hash of the content: the same rows give the same version.</summary>
    public required string DataVersion { get; init; }

    /// <summary>The code version of the asset that wrote it.</summary>
    public required string CodeVersion { get; init; }

    /// <summary>The data version of every upstream partition read.</summary>
    public IReadOnlyList<UpstreamVersion> Upstream { get; init; } = [];

    /// <summary>The partition's logical interval, for time partitions.</summary>
    public Interval? Interval { get; init; }

    /// <summary>When the materialization was written.</summary>
    public required Instant CreatedAt { get; init; }

    /// <summary>Facts the body attached (strings, numbers, booleans).</summary>
    public IReadOnlyDictionary<string, object?> Metadata { get; init; } = new SortedDictionary<string, object?>(StringComparer.Ordinal);
}

/// <summary>
/// The pointer of a partition (DESIGN.md, publish protocol step 5): which manifest readers get. The
/// only object ever replaced, always by compare-and-swap; <see cref="Sequence"/> grows by one per publish.
/// </summary>
/// <param name="Manifest">The manifest's object key.</param>
/// <param name="MaterializationId">The materialization it names.</param>
/// <param name="DataVersion">The manifest's data version, so status needs no manifest read.</param>
/// <param name="Sequence">1 for the first publish of the partition, then one more per publish or rollback.</param>
/// <param name="PublishedAt">When this pointer was written.</param>
public sealed record PartitionPointer(string Manifest, MaterializationId MaterializationId, string DataVersion, long Sequence, Instant PublishedAt);

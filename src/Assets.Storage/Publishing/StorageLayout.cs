using Assets.Graph;
using Assets.Storage.Objects;

namespace Assets.Storage.Publishing;

/// <summary>
/// Where the objects of a root live (DESIGN.md, "Storage and the publish protocol"):
/// <code>
/// data/&lt;asset&gt;/&lt;partition&gt;/&lt;materialization_id&gt;/part-00000.parquet   immutable, written once
/// manifests/&lt;asset&gt;/&lt;partition&gt;/&lt;materialization_id&gt;.json            immutable, written once
/// current/&lt;asset&gt;/&lt;partition&gt;.json                                   the pointer: the only object ever replaced
/// staging/&lt;asset&gt;/&lt;partition&gt;~&lt;materialization_id&gt;.json              marker of a materialization in flight
/// </code>
/// A staging marker sits in its asset's folder, so a publish creates and removes one file there rather than a folder of its
/// own and the file in it. Markers of earlier versions (<c>staging/&lt;asset&gt;/&lt;partition&gt;/&lt;materialization_id&gt;.json</c>)
/// are still read, and written when a partition's segment is too long to share a file name with the id.
/// The asset key's segments become folders; the partition is one <see cref="PartitionSegment"/>. Both
/// are validated types, so every key built here is inside the root.
/// </summary>
public static class StorageLayout
{
    /// <summary>The folder of data files.</summary>
    public const string DataFolder = "data";

    /// <summary>The folder of manifests.</summary>
    public const string ManifestsFolder = "manifests";

    /// <summary>The folder of pointers.</summary>
    public const string CurrentFolder = "current";

    /// <summary>The folder of staging markers (<see cref="StagingMarkers"/>).</summary>
    public const string StagingFolder = "staging";

    private const string ManifestSuffix = ".json";

    /// <summary>Between a marker's partition segment and its id: a character <see cref="PartitionSegment"/> never writes.</summary>
    private const char MarkerSeparator = '~';

    /// <summary>The longest file name the object keys of a root may have (<see cref="ObjectKey"/>'s segment limit).</summary>
    private const int MaxFileName = 255;

    /// <summary>What a marker's file name adds to the partition's segment: the separator, the 32-digit id and the suffix.</summary>
    private const int MarkerNameExtra = 1 + 32 + 5;

    /// <summary>The folder of every materialization's data files of one partition.</summary>
    public static string DataPrefix(AssetPartition partition)
        => $"{DataFolder}/{partition.Asset.Value}/{PartitionSegment.Encode(partition.Partition)}/";

    /// <summary>The folder a materialization's data files are staged in.</summary>
    public static string DataPrefix(AssetPartition partition, MaterializationId id)
        => $"{DataFolder}/{partition.Asset.Value}/{PartitionSegment.Encode(partition.Partition)}/{id.Value}/";

    /// <summary>The key of a materialization's data file number <paramref name="index"/>.</summary>
    public static ObjectKey DataFile(AssetPartition partition, MaterializationId id, int index)
        => ObjectKey.Parse(DataPrefix(partition, id) + $"part-{index:D5}.parquet");

    /// <summary>The key of a materialization's manifest.</summary>
    public static ObjectKey ManifestOf(AssetPartition partition, MaterializationId id)
        => ObjectKey.Parse($"{ManifestsFolder}/{partition.Asset.Value}/{PartitionSegment.Encode(partition.Partition)}/{id.Value}{ManifestSuffix}");

    /// <summary>The folder of every manifest of one partition.</summary>
    public static string ManifestPrefix(AssetPartition partition)
        => $"{ManifestsFolder}/{partition.Asset.Value}/{PartitionSegment.Encode(partition.Partition)}/";

    /// <summary>The key of a partition's pointer.</summary>
    public static ObjectKey PointerOf(AssetPartition partition)
        => ObjectKey.Parse($"{CurrentFolder}/{partition.Asset.Value}/{PartitionSegment.Encode(partition.Partition)}{ManifestSuffix}");

    /// <summary>
    /// The key of the marker that says a materialization is in flight (see <see cref="StagingMarkers"/>):
    /// <c>staging/&lt;asset&gt;/&lt;partition&gt;~&lt;id&gt;.json</c>, or the earlier form (<see cref="FolderedStagingMarkerOf"/>) when the
    /// partition's segment is too long to share one file name with the id.
    /// </summary>
    public static ObjectKey StagingMarkerOf(AssetPartition partition, MaterializationId id)
    {
        var segment = PartitionSegment.Encode(partition.Partition);
        return segment.Length + MarkerNameExtra > MaxFileName
            ? FolderedStagingMarkerOf(partition, id)
            : ObjectKey.Parse($"{StagingFolder}/{partition.Asset.Value}/{segment}{MarkerSeparator}{id.Value}{ManifestSuffix}");
    }

    /// <summary>
    /// The marker's key in the form earlier versions wrote, in a folder of the partition's own
    /// (<c>staging/&lt;asset&gt;/&lt;partition&gt;/&lt;id&gt;.json</c>): a process of such a version may still be publishing into the
    /// root, so whoever asks whether a materialization is in flight looks for both.
    /// </summary>
    public static ObjectKey FolderedStagingMarkerOf(AssetPartition partition, MaterializationId id)
        => ObjectKey.Parse($"{StagingFolder}/{partition.Asset.Value}/{PartitionSegment.Encode(partition.Partition)}/{id.Value}{ManifestSuffix}");

    /// <summary>Reads the (asset, partition) and materialization back from a staging marker's key, of either form; <c>null</c> for any other key.</summary>
    public static (AssetPartition Partition, MaterializationId Id)? OwnerOfStagingMarker(ObjectKey key)
    {
        var segments = key.Segments;
        if (segments.Count < 3 || segments[0] != StagingFolder || !segments[^1].EndsWith(ManifestSuffix, StringComparison.Ordinal))
        {
            return null;
        }

        var name = segments[^1][..^ManifestSuffix.Length];
        var separator = name.LastIndexOf(MarkerSeparator);
        if (separator >= 0)
        {
            // staging/<asset...>/<partition>~<id>.json
            return AssetKey.TryParse(string.Join('/', segments.Skip(1).Take(segments.Count - 2)), out var asset, out _)
                && PartitionSegment.TryDecode(name[..separator], out var partition, out _)
                && MaterializationId.TryParse(name[(separator + 1)..], out var id)
                ? (new AssetPartition(asset, partition), id)
                : null;
        }

        // staging/<asset...>/<partition>/<id>.json, as earlier versions (and long partition segments) write it
        return segments.Count >= 4
            && AssetKey.TryParse(string.Join('/', segments.Skip(1).Take(segments.Count - 3)), out var folderedAsset, out _)
            && PartitionSegment.TryDecode(segments[^2], out var folderedPartition, out _)
            && MaterializationId.TryParse(name, out var folderedId)
            ? (new AssetPartition(folderedAsset, folderedPartition), folderedId)
            : null;
    }

    /// <summary>Reads the (asset, partition) back from a pointer's key; <c>null</c> for a key that is not a pointer.</summary>
    public static AssetPartition? PartitionOfPointer(ObjectKey key)
    {
        var segments = key.Segments;
        if (segments.Count < 3 || segments[0] != CurrentFolder || !segments[^1].EndsWith(ManifestSuffix, StringComparison.Ordinal))
        {
            return null;
        }

        var assetText = string.Join('/', segments.Skip(1).Take(segments.Count - 2));
        var segment = segments[^1][..^ManifestSuffix.Length];
        return AssetKey.TryParse(assetText, out var asset, out _) && PartitionSegment.TryDecode(segment, out var partition, out _)
            ? new AssetPartition(asset, partition)
            : null;
    }

    /// <summary>
    /// Reads the (asset, partition) and materialization a data file or manifest belongs to; <c>null</c>
    /// for a key that is neither (such keys are never touched by maintenance).
    /// </summary>
    public static (AssetPartition Partition, MaterializationId Id)? OwnerOf(ObjectKey key)
    {
        var segments = key.Segments;
        if (segments.Count >= 5 && segments[0] == DataFolder)
        {
            // data/<asset...>/<partition>/<id>/<file>
            return Parse(segments.Skip(1).Take(segments.Count - 4), segments[^3], segments[^2]);
        }

        if (segments.Count >= 4 && segments[0] == ManifestsFolder && segments[^1].EndsWith(ManifestSuffix, StringComparison.Ordinal))
        {
            // manifests/<asset...>/<partition>/<id>.json
            return Parse(segments.Skip(1).Take(segments.Count - 3), segments[^2], segments[^1][..^ManifestSuffix.Length]);
        }

        return null;

        static (AssetPartition, MaterializationId)? Parse(IEnumerable<string> assetSegments, string partitionSegment, string idText)
            => AssetKey.TryParse(string.Join('/', assetSegments), out var asset, out _)
                && PartitionSegment.TryDecode(partitionSegment, out var partition, out _)
                && MaterializationId.TryParse(idText, out var id)
                ? (new AssetPartition(asset, partition), id)
                : null;
    }
}

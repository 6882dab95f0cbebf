using Assets.Graph;
using Assets.Partitions;

namespace Assets.Storage.Metadata;

/// <summary>
/// Makes each distinct asset key and partition key of a query's rows once (from the asset and partition columns as
/// <see cref="StoredForm"/> writes them), so the rows of a status grid share their keys instead of each holding copies.
/// </summary>
internal sealed class AssetPartitionCache
{
    private readonly AssetKeyCache _assets = new();
    private readonly Dictionary<string, PartitionKey> _partitions = new(StringComparer.Ordinal);

    public AssetPartition Get(string assetText, string partitionText)
    {
        var asset = _assets.Get(assetText);
        if (partitionText.Length == 0)
        {
            return new AssetPartition(asset, null);
        }

        if (!_partitions.TryGetValue(partitionText, out var partition))
        {
            partition = new PartitionKey(partitionText);
            _partitions.Add(partitionText, partition);
        }

        return new AssetPartition(asset, partition);
    }
}

using Assets.Graph;
using Assets.Partitions;
using Assets.Storage.Publishing;

namespace Assets.Storage.Tests.Publishing;

/// <summary>Where staging markers live: in their asset's folder, read back in that form and in the earlier one.</summary>
public sealed class StagingMarkerLayoutTests
{
    private static readonly MaterializationId Id = MaterializationId.Parse("01a24ec21a127f0c97138905bf1e27f0");

    [Fact]
    public void StagingMarkerOf_IsAFileInTheAssetsFolder_NamedByPartitionAndId()
    {
        var partition = new AssetPartition(AssetKey.Parse("sales/orders"), new PartitionKey("2026-01-01"));

        var key = StorageLayout.StagingMarkerOf(partition, Id);

        Assert.Equal($"staging/sales/orders/2026-01-01~{Id.Value}.json", key.Value);
        Assert.Equal((partition, Id), StorageLayout.OwnerOfStagingMarker(key));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2026-01-01")]
    [InlineData("a~b")]
    [InlineData("region=eu/day=1")]
    public void OwnerOfStagingMarker_ReadsBothForms(string? partitionKey)
    {
        var partition = new AssetPartition(AssetKey.Parse("sales/orders"), partitionKey is null ? null : new PartitionKey(partitionKey));

        Assert.Equal((partition, Id), StorageLayout.OwnerOfStagingMarker(StorageLayout.StagingMarkerOf(partition, Id)));
        Assert.Equal((partition, Id), StorageLayout.OwnerOfStagingMarker(StorageLayout.FolderedStagingMarkerOf(partition, Id)));
        Assert.Equal($"staging/sales/orders/{PartitionSegment.Encode(partition.Partition)}/{Id.Value}.json", StorageLayout.FolderedStagingMarkerOf(partition, Id).Value);
    }

    [Fact]
    public void StagingMarkerOf_APartitionTooLongToShareAFileNameWithTheId_KeepsAFolderOfItsOwn()
    {
        var partition = new AssetPartition(AssetKey.Parse("sales/orders"), new PartitionKey(new string('p', 240)));

        var key = StorageLayout.StagingMarkerOf(partition, Id);

        Assert.Equal(StorageLayout.FolderedStagingMarkerOf(partition, Id), key);
        Assert.Equal((partition, Id), StorageLayout.OwnerOfStagingMarker(key));
    }

    [Theory]
    [InlineData("staging/sales/orders/2026-01-01~nothex.json")]
    [InlineData("staging/2026-01-01~01a24ec21a127f0c97138905bf1e27f0.json")]
    [InlineData("staging/sales/orders/2026-01-01/notanid.json")]
    [InlineData("data/sales/orders/2026-01-01~01a24ec21a127f0c97138905bf1e27f0.json")]
    public void OwnerOfStagingMarker_OfAnyOtherKey_IsNull(string key)
        => Assert.Null(StorageLayout.OwnerOfStagingMarker(Assets.Storage.Objects.ObjectKey.Parse(key)));
}

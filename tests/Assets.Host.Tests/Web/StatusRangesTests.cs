using Assets.Graph;
using Assets.Hosting.Web;
using Assets.Metadata;
using Assets.Partitions;
using Assets.Planning;

namespace Assets.Host.Tests.Web;

public sealed class StatusRangesTests
{
    private static PartitionStatusRow[] Rows(params PartitionStatus[] statuses)
        => [.. statuses.Select((s, i) => new PartitionStatusRow(new AssetPartition(AssetKey.Parse("a"), new PartitionKey($"p{i:D5}")), s, null, null))];

    [Fact]
    public void Of_GivesOneRangePerRunOfEqualStatus_WithItsKeysAndCount()
    {
        var ranges = StatusRanges.Of(Rows(PartitionStatus.Published, PartitionStatus.Published, PartitionStatus.Stale, PartitionStatus.Published));
        Assert.Equal(
            [(0, 1, PartitionStatus.Published), (2, 2, PartitionStatus.Stale), (3, 3, PartitionStatus.Published)],
            ranges.Select(r => (r.First, r.Last, r.Status)));
        Assert.Equal("p00000..p00001 published (2)", ranges[0].Describe());
        Assert.Equal("p00002 stale", ranges[1].Describe());
    }

    [Fact]
    public void TenYearsOfOneStatus_AreOneRange()
        => Assert.Single(StatusRanges.Of(Rows([.. Enumerable.Repeat(PartitionStatus.Published, 3650)])));

    [Fact]
    public void Bucket_KeepsOneFailedPartitionAmongThousandsVisible_AsItsBucketsWorstStatus()
    {
        var statuses = Enumerable.Range(0, 3650).Select(i => i % 2 == 0 ? PartitionStatus.Published : PartitionStatus.Stale).ToArray();
        statuses[1234] = PartitionStatus.Failed;
        var buckets = StatusRanges.Bucket(Rows(statuses), 60);
        Assert.Equal(60, buckets.Count);
        Assert.Equal(3650, buckets.Sum(b => b.Count));
        var failed = Assert.Single(buckets, b => b.Status == PartitionStatus.Failed);
        Assert.InRange(1234, failed.First, failed.Last);
        Assert.True(failed.Mixed);
    }

    [Fact]
    public void Counts_ListsStatusesWorstFirst_WithoutZeros()
        => Assert.Equal(
            [(PartitionStatus.Failed, 1), (PartitionStatus.Stale, 2), (PartitionStatus.Published, 1)],
            StatusRanges.Counts(Rows(PartitionStatus.Stale, PartitionStatus.Published, PartitionStatus.Failed, PartitionStatus.Stale)));
}

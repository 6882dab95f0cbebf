using Assets.Core.Tests.Planning.Fixtures;
using Assets.Graph;
using Assets.Planning;
using NodaTime;

namespace Assets.Core.Tests.Planning;

public sealed class UpstreamEdgeTests
{
    public static TheoryData<Type> Projects => [typeof(SalesProject), typeof(RegionProject), typeof(MultiProject), typeof(GrowingProject), typeof(EarlyStartProject)];

    [Theory]
    [MemberData(nameof(Projects))]
    public void Read_EveryPartitionOfEveryDependency_ReadsWhatTheGraphsMappingsRead(Type project)
    {
        var graph = new AssetGraphBuilder().AddTypes(project).Build();
        var asOf = Instant.FromUtc(2026, 1, 20, 0, 0);
        var spaces = new PartitionSpace.Cache(asOf);
        var reads = new UpstreamReads();
        foreach (var asset in graph.Assets)
        {
            var space = spaces.Get(asset.Partitions);
            for (var i = 0; i < space.Count; i++)
            {
                var expected = graph.GetUpstreamPartitions(new AssetPartition(asset.Key, space.Keys[i]), asOf);
                for (var d = 0; d < asset.Dependencies.Count; d++)
                {
                    var upstream = graph[asset.Dependencies[d].Upstream];
                    var edge = new UpstreamEdge(asset, space, asset.Dependencies[d], upstream, spaces.Get(upstream.Partitions), asOf);
                    edge.Read(i, reads);

                    var actual = reads.Existing.Select(j => edge.UpstreamSpace.Keys[j]).Concat(reads.NotYet.Select(k => (Assets.Partitions.PartitionKey?)k));
                    Assert.Equal(expected[d].Partitions.Keys, actual);
                    Assert.Equal(expected[d].Partitions.OutsideUpstreamRange.Count, reads.Outside.Count);
                }
            }
        }
    }
}

using Assets.Mappings;
using Assets.Partitions;
using NodaTime;

namespace Assets.Core.Tests.Mappings;

public class AllLastAndStaticMappingTests
{
    private static readonly Instant AsOf = Instant.FromUtc(2026, 1, 4, 12, 0);
    private static readonly TimeWindowPartitionsDefinition Daily = TimeWindowPartitionsDefinition.Daily(new LocalDate(2026, 1, 1), DateTimeZone.Utc);
    private static readonly StaticPartitionsDefinition Countries = new("us", "ca", "de", "fr");
    private static readonly StaticPartitionsDefinition Continents = new("north_america", "europe");

    [Fact]
    public void AllPartitions_UnpartitionedDownstream_ReadsEveryExistingPartition()
    {
        var sut = new AllPartitionsAttribute().CreateMapping();

        Assert.Null(sut.Validate(null, Daily));
        Assert.Equal(["2026-01-01", "2026-01-02", "2026-01-03"], sut.GetUpstream(null, null, Daily, AsOf).Keys.Select(k => k!.Value.Value));
        Assert.Equal([null], sut.GetDownstream(new PartitionKey("2026-01-02"), null, Daily, AsOf));
        Assert.Empty(sut.GetDownstream(new PartitionKey("2026-01-09"), null, Daily, AsOf));
    }

    [Fact]
    public void AllPartitions_PartitionedDownstream_EveryExistingDownstreamReadsIt()
    {
        var sut = PartitionMapping.AllPartitions;

        Assert.Equal(Daily.GetKeys(AsOf).Select(k => (PartitionKey?)k), sut.GetDownstream(new PartitionKey("us"), Daily, Countries, AsOf));
        Assert.Equal(Countries.Keys.Select(k => (PartitionKey?)k), sut.GetUpstream(new PartitionKey("2026-01-01"), Daily, Countries, AsOf).Keys);
    }

    [Fact]
    public void LastPartition_ReadsTheNewestExistingPartitionOrNothing()
    {
        var sut = new LastPartitionAttribute().CreateMapping();

        Assert.Equal([new PartitionKey("2026-01-03")], sut.GetUpstream(null, null, Daily, AsOf).Keys);
        Assert.Empty(sut.GetUpstream(null, null, Daily, Instant.FromUtc(2026, 1, 1, 12, 0)).Keys);
        Assert.Equal([null], sut.GetDownstream(new PartitionKey("2026-01-03"), null, Daily, AsOf));
        Assert.Empty(sut.GetDownstream(new PartitionKey("2026-01-02"), null, Daily, AsOf));
        Assert.Equal([new PartitionKey("fr")], sut.GetUpstream(null, null, Countries, AsOf).Keys);
    }

    [Fact]
    public void LastPartition_MultiUpstream_ReadsTheNewestWindowForEveryStaticKey()
    {
        var multi = new MultiPartitionsDefinition(Daily, Continents);

        var keys = PartitionMapping.LastPartition.GetUpstream(null, null, multi, AsOf).Keys;

        Assert.Equal([new PartitionKey("2026-01-03|north_america"), new PartitionKey("2026-01-03|europe")], keys);
    }

    [Fact]
    public void StaticMapping_ManyToOneAndOneToMany_MapsBothWays()
    {
        var sut = new StaticMappingAttribute("us -> north_america", "ca->north_america", "de -> europe", "fr -> europe", "us -> europe").CreateMapping();

        Assert.Null(sut.Validate(Continents, Countries));
        Assert.Equal(["us", "ca"], sut.GetUpstream(new PartitionKey("north_america"), Continents, Countries, AsOf).Keys.Select(k => k!.Value.Value));
        Assert.Equal(["us", "de", "fr"], sut.GetUpstream(new PartitionKey("europe"), Continents, Countries, AsOf).Keys.Select(k => k!.Value.Value));
        Assert.Equal(["north_america", "europe"], sut.GetDownstream(new PartitionKey("us"), Continents, Countries, AsOf).Select(k => k!.Value.Value));
    }

    [Fact]
    public void StaticMapping_MultiOnBothSides_KeepsTheTimeAndMapsTheStaticKey()
    {
        var sut = new StaticMappingAttribute("us -> north_america", "ca -> north_america").CreateMapping();
        var downstream = new MultiPartitionsDefinition(Daily, Continents);
        var upstream = new MultiPartitionsDefinition(Daily, Countries);

        Assert.Null(sut.Validate(downstream, upstream));
        Assert.Equal(["2026-01-02|us", "2026-01-02|ca"], sut.GetUpstream(new PartitionKey("2026-01-02|north_america"), downstream, upstream, AsOf).Keys.Select(k => k!.Value.Value));
        Assert.Equal(["2026-01-02|north_america"], sut.GetDownstream(new PartitionKey("2026-01-02|ca"), downstream, upstream, AsOf).Select(k => k!.Value.Value));
    }

    [Fact]
    public void StaticMapping_UnknownKey_IsNamedWithTheValidOnes()
    {
        var sut = new StaticMappingAttribute("uk -> europe", "us -> america").CreateMapping();

        Assert.Equal("[StaticMapping] names the upstream key 'uk', which static (us, ca, de, fr) does not have: use one of us, ca, de, fr", sut.Validate(Continents, Countries));
        Assert.Equal(
            "[StaticMapping] names the downstream key 'america', which static (north_america, europe) does not have: use one of north_america, europe",
            new StaticPartitionMapping([("us", "america")]).Validate(Continents, Countries));
    }

    [Fact]
    public void StaticMapping_BetweenNonStaticDefinitions_IsRejected()
    {
        var sut = new StaticPartitionMapping([("us", "north_america")]);

        Assert.Equal(
            "[StaticMapping] connects two static lists, but daily (UTC) reads static (us, ca, de, fr): remove it, or use [AllPartitions] or [LastPartition]",
            sut.Validate(Daily, Countries));
        Assert.Equal(
            "[StaticMapping] connects two static lists, but unpartitioned reads static (us, ca, de, fr): use [AllPartitions] or [LastPartition] for an unpartitioned asset",
            sut.Validate(null, Countries));
    }

    [Theory]
    [InlineData("us north_america")]
    [InlineData("us -> ")]
    [InlineData("a -> b -> c")]
    public void StaticMappingAttribute_MalformedPair_ShowsTheForm(string pair)
    {
        var error = Assert.Throws<DefinitionException>(new StaticMappingAttribute(pair).CreateMapping).Message;

        Assert.Equal($"[StaticMapping]: '{pair}' is not a pair: write \"upstream_key -> downstream_key\", for example \"us -> north_america\".", error);
    }

    [Fact]
    public void StaticMapping_Equality_IgnoresOrderAndDuplicates()
    {
        var a = new StaticMappingAttribute("us -> north_america", "de -> europe").CreateMapping();
        var b = new StaticMappingAttribute("de -> europe", "us -> north_america", "us -> north_america").CreateMapping();

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, new StaticMappingAttribute("us -> north_america").CreateMapping());
    }
}

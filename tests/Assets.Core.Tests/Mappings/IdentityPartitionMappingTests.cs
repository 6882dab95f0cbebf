using Assets.Mappings;
using Assets.Partitions;
using NodaTime;

namespace Assets.Core.Tests.Mappings;

public class IdentityPartitionMappingTests
{
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
    private static readonly Instant AsOf = Instant.FromUtc(2026, 2, 15, 0, 0);
    private static readonly TimeWindowPartitionsDefinition Daily = TimeWindowPartitionsDefinition.Daily(new LocalDate(2026, 1, 1), Berlin);
    private static readonly StaticPartitionsDefinition Regions = new("us", "eu");
    private static readonly PartitionMapping Sut = PartitionMapping.Identity;

    [Fact]
    public void Identity_EqualDefinitions_ReadsTheSameKey()
    {
        var mapped = Sut.GetUpstream(new PartitionKey("2026-01-05"), Daily, Daily, AsOf);

        Assert.Equal([new PartitionKey("2026-01-05")], mapped.Keys);
        Assert.Equal([new PartitionKey("2026-01-05")], Sut.GetDownstream(new PartitionKey("2026-01-05"), Daily, Daily, AsOf));
        Assert.Empty(Sut.GetDownstream(new PartitionKey("2026-03-05"), Daily, Daily, AsOf));
    }

    [Fact]
    public void Identity_UnpartitionedUpstream_EveryPartitionReadsItsSinglePartition()
    {
        Assert.Null(Sut.Validate(Daily, null));
        Assert.Equal(MappedPartitions.Unpartitioned.Keys, Sut.GetUpstream(new PartitionKey("2026-01-05"), Daily, null, AsOf).Keys);
        Assert.Equal(Daily.GetKeys(AsOf).Count, Sut.GetDownstream(null, Daily, null, AsOf).Count);
        Assert.Equal([null], Sut.GetDownstream(null, null, null, AsOf));
    }

    [Fact]
    public void Identity_UpstreamStartingLater_ReportsEarlierDaysOutsideItsRange()
    {
        var upstream = TimeWindowPartitionsDefinition.Daily(new LocalDate(2026, 1, 10), Berlin, new LocalDate(2026, 1, 31));

        var before = Sut.GetUpstream(new PartitionKey("2026-01-05"), Daily, upstream, AsOf);
        var inside = Sut.GetUpstream(new PartitionKey("2026-01-15"), Daily, upstream, AsOf);
        var after = Sut.GetUpstream(new PartitionKey("2026-02-01"), Daily, upstream, AsOf);

        Assert.Null(Sut.Validate(Daily, upstream));
        Assert.Empty(before.Keys);
        Assert.Equal(["2026-01-05"], before.OutsideUpstreamRange);
        Assert.Equal([new PartitionKey("2026-01-15")], inside.Keys);
        Assert.Equal(["2026-02-01"], after.OutsideUpstreamRange);
    }

    [Fact]
    public void Identity_MultiDownstreamOverItsDimensions_ReadsTheMatchingPart()
    {
        var multi = new MultiPartitionsDefinition(Daily, Regions);

        Assert.Equal([new PartitionKey("2026-01-05")], Sut.GetUpstream(new PartitionKey("2026-01-05|eu"), multi, Daily, AsOf).Keys);
        Assert.Equal([new PartitionKey("eu")], Sut.GetUpstream(new PartitionKey("2026-01-05|eu"), multi, Regions, AsOf).Keys);
        Assert.Equal([new PartitionKey("2026-01-05|us"), new PartitionKey("2026-01-05|eu")], Sut.GetUpstream(new PartitionKey("2026-01-05"), Daily, multi, AsOf).Keys);
        Assert.Equal([new PartitionKey("2026-01-05|us"), new PartitionKey("2026-01-05|eu")], Sut.GetDownstream(new PartitionKey("2026-01-05"), multi, Daily, AsOf));
        Assert.Equal(Daily.CountAsOf(AsOf), Sut.GetDownstream(new PartitionKey("eu"), multi, Regions, AsOf).Count);
    }

    [Fact]
    public void Validate_DifferentCadences_SuggestsWindowAllOrLast()
    {
        var hourly = TimeWindowPartitionsDefinition.Hourly(new LocalDateTime(2026, 1, 1, 0, 0), DateTimeZone.Utc);

        Assert.Equal(
            "daily (Europe/Berlin) cannot read hourly (UTC) partition by partition: add [Window(0, 0)] to read the overlapping partitions, [AllPartitions], or [LastPartition]",
            Sut.Validate(Daily, hourly));
    }

    [Fact]
    public void Validate_SameCadenceInAnotherZone_IsAMismatch()
    {
        Assert.Equal(
            "daily (Europe/Berlin) cannot read daily (UTC) partition by partition: add [Window(0, 0)] to read the overlapping partitions, [AllPartitions], or [LastPartition]",
            Sut.Validate(Daily, TimeWindowPartitionsDefinition.Daily(new LocalDate(2026, 1, 1), DateTimeZone.Utc)));
    }

    [Fact]
    public void Validate_UnpartitionedDownstreamOverPartitionedUpstream_SuggestsAllOrLast()
    {
        Assert.Equal(
            "an unpartitioned asset cannot read daily (Europe/Berlin) partition by partition: add [AllPartitions] to read every partition or [LastPartition] to read the newest one",
            Sut.Validate(null, Daily));
    }

    [Fact]
    public void Validate_DifferentStaticLists_SuggestsStaticMapping()
    {
        Assert.Equal(
            "static (us, eu) cannot read static (north, south) partition by partition: make both lists equal, or add [StaticMapping(\"upstream_key -> downstream_key\", ...)] to say which upstream key feeds which downstream key, [AllPartitions], or [LastPartition]",
            Sut.Validate(Regions, new StaticPartitionsDefinition("north", "south")));
    }

    [Fact]
    public void Validate_TimeOverStatic_SuggestsAllOrLast()
    {
        Assert.Equal(
            "daily (Europe/Berlin) cannot read static (us, eu) partition by partition: add [AllPartitions] or [LastPartition]",
            Sut.Validate(Daily, Regions));
    }

    [Fact]
    public void GetUpstream_OnAMismatch_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => Sut.GetUpstream(new PartitionKey("eu"), Regions, Daily, AsOf));
    }
}

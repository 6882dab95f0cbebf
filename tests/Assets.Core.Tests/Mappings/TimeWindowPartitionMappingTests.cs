using Assets.Mappings;
using Assets.Partitions;
using NodaTime;

namespace Assets.Core.Tests.Mappings;

public class TimeWindowPartitionMappingTests
{
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
    private static readonly Instant AsOf = Instant.FromUtc(2027, 1, 1, 0, 0);
    private static readonly TimeWindowPartitionsDefinition January = TimeWindowPartitionsDefinition.Daily(new LocalDate(2026, 1, 1), Berlin, new LocalDate(2026, 1, 31));

    private static string[] Upstream(PartitionMapping mapping, string key, PartitionsDefinition downstream, PartitionsDefinition upstream)
    {
        var mapped = mapping.GetUpstream(new PartitionKey(key), downstream, upstream, AsOf);
        Assert.Empty(mapped.OutsideUpstreamRange);
        return mapped.Keys.Select(k => k!.Value.Value).ToArray();
    }

    [Fact]
    public void Window_SevenDaysOnTheThirdDay_ReadsFromTheFirstDay()
    {
        var sut = new WindowAttribute(-6, 0).CreateMapping();

        Assert.Equal(["2026-01-01", "2026-01-02", "2026-01-03"], Upstream(sut, "2026-01-03", January, January));
        Assert.Equal(["2026-01-04", "2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08", "2026-01-09", "2026-01-10"], Upstream(sut, "2026-01-10", January, January));
    }

    [Fact]
    public void Window_NextDayOnTheLastDay_ReadsOnlyTheLastDay()
    {
        var sut = new TimeWindowPartitionMapping(0, 1);

        Assert.Equal(["2026-01-31"], Upstream(sut, "2026-01-31", January, January));
        Assert.Equal(["2026-01-30", "2026-01-31"], Upstream(sut, "2026-01-30", January, January));
    }

    [Fact]
    public void Window_Yesterday_ReadsThePreviousDayAndNothingOnTheFirstDay()
    {
        var sut = new TimeWindowPartitionMapping(-1, -1);

        Assert.Empty(Upstream(sut, "2026-01-01", January, January));
        Assert.Equal(["2026-01-01"], Upstream(sut, "2026-01-02", January, January));
    }

    [Theory]
    [InlineData("2026-03-28", 24)]
    [InlineData("2026-03-29", 23)]
    [InlineData("2026-10-25", 25)]
    public void Window_DailyOverHourlyOnDstDays_ReadsThatDaysHours(string day, int hours)
    {
        var daily = TimeWindowPartitionsDefinition.Daily(new LocalDate(2026, 1, 1), Berlin);
        var hourly = TimeWindowPartitionsDefinition.Hourly(new LocalDateTime(2026, 1, 1, 0, 0), Berlin);

        var keys = Upstream(new TimeWindowPartitionMapping(0, 0), day, daily, hourly);

        Assert.Equal(hours, keys.Length);
        Assert.Equal($"{day}-00:00", keys[0]);
        Assert.Equal($"{day}-23:00", keys[^1]);
        Assert.All(keys, k => Assert.StartsWith(day, k, StringComparison.Ordinal));
    }

    [Fact]
    public void Window_DailyBerlinOverHourlyUtc_ReadsTheUtcHoursOfTheBerlinDay()
    {
        var daily = TimeWindowPartitionsDefinition.Daily(new LocalDate(2026, 1, 1), Berlin);
        var hourly = TimeWindowPartitionsDefinition.Hourly(new LocalDateTime(2025, 12, 1, 0, 0), DateTimeZone.Utc);

        var keys = Upstream(new TimeWindowPartitionMapping(0, 0), "2026-01-02", daily, hourly);

        Assert.Equal(24, keys.Length);
        Assert.Equal("2026-01-01-23:00", keys[0]);
        Assert.Equal("2026-01-02-22:00", keys[^1]);
    }

    [Fact]
    public void Window_HourlyOverDaily_ReadsTheDayContainingTheHour()
    {
        var daily = TimeWindowPartitionsDefinition.Daily(new LocalDate(2026, 1, 1), Berlin);
        var hourly = TimeWindowPartitionsDefinition.Hourly(new LocalDateTime(2026, 1, 1, 0, 0), Berlin);

        Assert.Equal(["2026-01-05"], Upstream(new TimeWindowPartitionMapping(0, 0), "2026-01-05-13:00", hourly, daily));
        Assert.Equal(["2026-01-04"], Upstream(new TimeWindowPartitionMapping(-1, -1), "2026-01-05-13:00", hourly, daily));
    }

    [Fact]
    public void Window_MonthlyOverDaily_ReadsTheMonthsDays()
    {
        var monthly = TimeWindowPartitionsDefinition.Monthly(new LocalDate(2024, 1, 1), DateTimeZone.Utc);
        var daily = TimeWindowPartitionsDefinition.Daily(new LocalDate(2024, 1, 1), DateTimeZone.Utc);

        Assert.Equal(29, Upstream(new TimeWindowPartitionMapping(0, 0), "2024-02-01", monthly, daily).Length);
    }

    [Fact]
    public void Window_MultiOnBothSides_KeepsTheStaticKey()
    {
        var regions = new StaticPartitionsDefinition("us", "eu");
        var multi = new MultiPartitionsDefinition(January, regions);

        Assert.Equal(["2026-01-01|eu", "2026-01-02|eu"], Upstream(new TimeWindowPartitionMapping(-1, 0), "2026-01-02|eu", multi, multi));
        Assert.Equal(["2026-01-01", "2026-01-02"], Upstream(new TimeWindowPartitionMapping(-1, 0), "2026-01-02|eu", multi, January));
        Assert.Equal(["2026-01-01|us", "2026-01-01|eu"], Upstream(new TimeWindowPartitionMapping(-1, -1), "2026-01-02", January, multi));
    }

    [Fact]
    public void Window_StartAfterEnd_IsADefinitionErrorShowingTheFix()
    {
        var error = Assert.Throws<DefinitionException>(new WindowAttribute(1, -1).CreateMapping).Message;

        Assert.Equal("[Window(1, -1)]: the start offset 1 is after the end offset -1; write the earlier offset first: [Window(-1, 1)].", error);
    }

    [Fact]
    public void Validate_MismatchedDefinitions_SaysWhatToUseInstead()
    {
        var sut = new TimeWindowPartitionMapping(-6, 0);
        var regions = new StaticPartitionsDefinition("us", "eu");

        Assert.Null(sut.Validate(January, January));
        Assert.Equal(
            "[Window(-6, 0)] needs a time-partitioned downstream, but this asset is unpartitioned: use [AllPartitions] to read every upstream partition or [LastPartition] to read the newest one",
            sut.Validate(null, January));
        Assert.Equal(
            "[Window(-6, 0)] needs time partitions on both sides, but daily (Europe/Berlin) reads static (us, eu): remove it, or use [AllPartitions] or [LastPartition]",
            sut.Validate(January, regions));
        Assert.Equal(
            "[Window(-6, 0)] keeps the static key, but daily (Europe/Berlin) x static (us, eu) and daily (Europe/Berlin) x static (us) have different static keys: make the static lists equal, or use [AllPartitions] or [LastPartition]",
            sut.Validate(new MultiPartitionsDefinition(January, regions), new MultiPartitionsDefinition(January, new StaticPartitionsDefinition("us"))));
    }

    [Fact]
    public void Equality_IsByOffsets()
    {
        Assert.Equal(new TimeWindowPartitionMapping(-6, 0), new WindowAttribute(-6, 0).CreateMapping());
        Assert.NotEqual(new TimeWindowPartitionMapping(-6, 0), new TimeWindowPartitionMapping(-5, 0));
        Assert.Equal("window(-6, 0)", new TimeWindowPartitionMapping(-6, 0).Describe());
    }
}

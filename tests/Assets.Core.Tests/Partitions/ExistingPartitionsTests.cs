using Assets.Partitions;
using NodaTime;

namespace Assets.Core.Tests.Partitions;

public class ExistingPartitionsTests
{
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    [Theory]
    [InlineData(0, 2)]
    [InlineData(1, 3)]
    [InlineData(-1, 1)]
    [InlineData(-5, 0)]
    public void CountAsOf_MidDay_CountsEndedDaysPlusEndOffset(int endOffset, int expected)
    {
        var sut = TimeWindowPartitionsDefinition.Daily(new LocalDate(2026, 1, 1), Berlin, endOffset: endOffset);

        // 2026-01-03 10:00 in Berlin: Jan 1 and Jan 2 have ended.
        var asOf = Instant.FromUtc(2026, 1, 3, 9, 0);

        Assert.Equal(expected, sut.CountAsOf(asOf));
        Assert.Equal(expected, sut.GetKeys(asOf).Count);
    }

    [Fact]
    public void CountAsOf_ExactlyAtTheEndOfADay_CountsThatDay()
    {
        var sut = TimeWindowPartitionsDefinition.Daily(new LocalDate(2026, 1, 1), Berlin);

        Assert.Equal(0, sut.CountAsOf(Instant.FromUtc(2026, 1, 1, 22, 59, 59)));
        Assert.Equal(1, sut.CountAsOf(Instant.FromUtc(2026, 1, 1, 23, 0)));
    }

    [Fact]
    public void CountAsOf_BeforeTheStart_IsZeroEvenWithAnEndOffset()
    {
        var sut = TimeWindowPartitionsDefinition.Daily(new LocalDate(2026, 1, 1), DateTimeZone.Utc, endOffset: 1);

        Assert.Equal(0, sut.CountAsOf(Instant.FromUtc(2025, 12, 30, 12, 0)));
        Assert.Equal(1, sut.CountAsOf(Instant.FromUtc(2026, 1, 1, 0, 0)));
    }

    [Fact]
    public void CountAsOf_AfterTheEnd_IsCappedByTheEnd()
    {
        var sut = TimeWindowPartitionsDefinition.Daily(new LocalDate(2026, 1, 1), DateTimeZone.Utc, new LocalDate(2026, 1, 31), endOffset: 3);

        Assert.Equal(31, sut.CountAsOf(Instant.FromUtc(2030, 1, 1, 0, 0)));
        Assert.Equal(31, sut.CountAsOf(Instant.FromUtc(2026, 1, 30, 12, 0)));
        Assert.Equal(30, sut.CountAsOf(Instant.FromUtc(2026, 1, 28, 12, 0)));
    }

    [Fact]
    public void GetKeys_TenYearsOfDays_IsALazyListInOrder()
    {
        var sut = TimeWindowPartitionsDefinition.Daily(new LocalDate(2016, 1, 1), DateTimeZone.Utc);

        var keys = sut.GetKeys(Instant.FromUtc(2026, 1, 1, 0, 0));

        Assert.Equal(3653, keys.Count);
        Assert.Equal("2016-01-01", keys[0].Value);
        Assert.Equal("2025-12-31", keys[^1].Value);
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Equal(keys.OrderBy(k => k).ToList(), keys.ToList());
        Assert.Throws<ArgumentOutOfRangeException>(() => keys[3653]);
    }

    [Fact]
    public void GetKeys_HourlyWithEndOffsetOne_IncludesTheCurrentHour()
    {
        var sut = TimeWindowPartitionsDefinition.Hourly(new LocalDateTime(2026, 1, 1, 0, 0), DateTimeZone.Utc, endOffset: 1);

        var keys = sut.GetKeys(Instant.FromUtc(2026, 1, 1, 2, 30));

        Assert.Equal(["2026-01-01-00:00", "2026-01-01-01:00", "2026-01-01-02:00"], keys.Select(k => k.Value));
    }
}

using Assets.Partitions;
using NodaTime;

namespace Assets.Core.Tests.Partitions;

public class DailyPartitionsTests
{
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    public static TheoryData<string, int> ZonesAndYears => new()
    {
        { "Europe/Berlin", 2024 },
        { "Europe/Berlin", 2026 },
        { "America/New_York", 2024 },
        { "America/New_York", 2026 },
        { "UTC", 2024 },
        { "UTC", 2026 },
        { "Asia/Kolkata", 2024 },
        { "Asia/Kolkata", 2026 },
    };

    private static TimeWindowPartitionsDefinition CreateSut(DateTimeZone zone, int year)
        => new DailyPartitionsAttribute($"{year}-01-01") { Timezone = zone.Id, End = $"{year}-12-31" }.CreateDefinition();

    [Theory]
    [MemberData(nameof(ZonesAndYears))]
    public void Daily_WholeYear_EachDayLastsAsLongAsTheZoneSays(string zoneId, int year)
    {
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        var sut = CreateSut(zone, year);
        var days = DateTime.IsLeapYear(year) ? 366 : 365;

        Assert.Equal(days - 1, sut.LastIndex);
        for (var i = 0; i < days; i++)
        {
            // Expected: count the whole hours from local midnight to the next local midnight by walking instants.
            var date = new LocalDate(year, 1, 1).PlusDays(i);
            var start = date.AtMidnight().InZoneLeniently(zone).ToInstant();
            var hours = 0;
            for (var t = start; t.InZone(zone).Date == date; t += Duration.FromHours(1))
            {
                hours++;
            }

            var window = sut.WindowAt(i);
            Assert.Equal(date, window.StartDate);
            Assert.Equal(start, window.Interval.Start);
            Assert.Equal(Duration.FromHours(hours), window.Duration);
            if (i > 0)
            {
                Assert.Equal(sut.WindowAt(i - 1).Interval.End, window.Interval.Start);
            }
        }
    }

    [Theory]
    [MemberData(nameof(ZonesAndYears))]
    public void Daily_EveryKeyOfTheYear_RoundTripsThroughKeyAtIndexOfAndParseKey(string zoneId, int year)
    {
        var sut = CreateSut(DateTimeZoneProviders.Tzdb[zoneId], year);
        var date = new LocalDate(year, 1, 1);

        for (var i = 0; i <= sut.LastIndex; i++, date = date.PlusDays(1))
        {
            var key = sut.KeyAt(i);
            Assert.Equal(date.ToString("uuuu-MM-dd", null), key.Value);
            Assert.Equal(i, sut.IndexOf(key));
            Assert.Equal(key, sut.ParseKey(key.Value));
            Assert.Equal(key, sut.GetWindow(key).Key);
        }
    }

    [Fact]
    public void Daily_BerlinDstDays_Last23And25Hours()
    {
        var sut = TimeWindowPartitionsDefinition.Daily(new LocalDate(2026, 1, 1), Berlin);

        Assert.Equal(Duration.FromHours(23), sut.GetWindow(new PartitionKey("2026-03-29")).Duration);
        Assert.Equal(Duration.FromHours(25), sut.GetWindow(new PartitionKey("2026-10-25")).Duration);
        Assert.Equal(Duration.FromHours(24), sut.GetWindow(new PartitionKey("2026-10-26")).Duration);
    }

    [Fact]
    public void Daily_ZoneWhoseDstChangeIsAtMidnight_DayStartsAtOneOClock()
    {
        // Chile moves clocks forward at 24:00 on a Saturday: that Sunday begins at 01:00.
        var santiago = DateTimeZoneProviders.Tzdb["America/Santiago"];
        var sut = TimeWindowPartitionsDefinition.Daily(new LocalDate(2026, 1, 1), santiago);

        var window = sut.GetWindow(new PartitionKey("2026-09-06"));

        Assert.Equal(new LocalTime(1, 0), window.Start.TimeOfDay);
        Assert.Equal(Duration.FromHours(23), window.Duration);
        Assert.Equal(window.Interval.End, sut.GetWindow(new PartitionKey("2026-09-07")).Interval.Start);
    }

    [Fact]
    public void Daily_LeapDay_ExistsIn2024AndIsRejectedIn2026()
    {
        var leap = TimeWindowPartitionsDefinition.Daily(new LocalDate(2024, 1, 1), DateTimeZone.Utc);
        var plain = TimeWindowPartitionsDefinition.Daily(new LocalDate(2026, 1, 1), DateTimeZone.Utc);

        Assert.Equal(59, leap.IndexOf(new PartitionKey("2024-02-29")));
        Assert.Equal("2024-03-01", leap.KeyAt(60).Value);
        Assert.False(plain.TryParseKey("2026-02-29", out _, out var error));
        Assert.Equal("'2026-02-29' is not a daily partition key of this asset: expected yyyy-MM-dd from 2026-01-01 on (UTC)", error);
    }

    [Theory]
    [InlineData("2026-02-30", "'2026-02-30' is not a daily partition key of this asset: expected yyyy-MM-dd between 2026-01-01 and 2026-01-31 (Europe/Berlin)")]
    [InlineData("2026-1-5", "'2026-1-5' is not a daily partition key of this asset: expected yyyy-MM-dd between 2026-01-01 and 2026-01-31 (Europe/Berlin)")]
    [InlineData("", "'' is not a daily partition key of this asset: expected yyyy-MM-dd between 2026-01-01 and 2026-01-31 (Europe/Berlin)")]
    [InlineData("2025-12-31", "'2025-12-31' is not a daily partition key of this asset: it is before the first partition 2026-01-01; expected yyyy-MM-dd between 2026-01-01 and 2026-01-31 (Europe/Berlin)")]
    [InlineData("2026-02-01", "'2026-02-01' is not a daily partition key of this asset: it is after the last partition 2026-01-31; expected yyyy-MM-dd between 2026-01-01 and 2026-01-31 (Europe/Berlin)")]
    [InlineData("2026-01-05-00:00", "'2026-01-05-00:00' is not a daily partition key of this asset: expected yyyy-MM-dd between 2026-01-01 and 2026-01-31 (Europe/Berlin)")]
    public void ParseKey_InvalidDailyKey_ShowsFormAndRange(string text, string message)
    {
        var sut = new DailyPartitionsAttribute("2026-01-01") { Timezone = "Europe/Berlin", End = "2026-01-31" }.CreateDefinition();

        Assert.Equal(message, Assert.Throws<PartitionKeyException>(() => sut.ParseKey(text)).Message);
        Assert.False(sut.Contains(new PartitionKey(text.Length == 0 ? "x" : text)));
    }

    [Fact]
    public void ParseKey_FutureKeyInsideTheRange_Parses()
    {
        var sut = TimeWindowPartitionsDefinition.Daily(new LocalDate(2026, 1, 1), DateTimeZone.Utc);

        Assert.Equal("2099-12-31", sut.ParseKey(" 2099-12-31 ").Value);
    }

    [Fact]
    public void End_IsTheLastPartitionInclusive()
    {
        var sut = new DailyPartitionsAttribute("2026-01-01") { End = "2026-01-31" }.CreateDefinition();

        Assert.Equal(30, sut.LastIndex);
        Assert.Equal("2026-01-31", sut.KeyAt(30).Value);
        Assert.Throws<ArgumentOutOfRangeException>(() => sut.KeyAt(31));
        Assert.Throws<ArgumentOutOfRangeException>(() => sut.KeyAt(-1));
    }

    [Fact]
    public void IndexOfWindowContaining_FindsTheDayInTheZoneOrNullOutsideTheRange()
    {
        var sut = TimeWindowPartitionsDefinition.Daily(new LocalDate(2026, 1, 1), Berlin, new LocalDate(2026, 1, 31));

        Assert.Equal(0, sut.IndexOfWindowContaining(Instant.FromUtc(2025, 12, 31, 23, 0)));
        Assert.Null(sut.IndexOfWindowContaining(Instant.FromUtc(2025, 12, 31, 22, 59)));
        Assert.Equal(30, sut.IndexOfWindowContaining(Instant.FromUtc(2026, 1, 31, 22, 59)));
        Assert.Null(sut.IndexOfWindowContaining(Instant.FromUtc(2026, 1, 31, 23, 0)));
    }

    [Fact]
    public void Describe_SaysCadenceRangeZoneAndEndOffset()
    {
        Assert.Equal("daily from 2026-01-01 to 2026-01-31 (Europe/Berlin)", TimeWindowPartitionsDefinition.Daily(new LocalDate(2026, 1, 1), Berlin, new LocalDate(2026, 1, 31)).Describe());
        Assert.Equal("hourly from 2026-01-01-00:00 (UTC), end offset 1", TimeWindowPartitionsDefinition.Hourly(new LocalDateTime(2026, 1, 1, 0, 0), DateTimeZone.Utc, endOffset: 1).Describe());
        Assert.Equal("weekly from 2026-01-04 (UTC), weeks start on Sunday", TimeWindowPartitionsDefinition.Weekly(new LocalDate(2026, 1, 4), DateTimeZone.Utc, firstDayOfWeek: IsoDayOfWeek.Sunday).Describe());
        Assert.Equal("monthly from 2026-01-01 to 2026-12-01 (UTC), end offset -1", TimeWindowPartitionsDefinition.Monthly(new LocalDate(2026, 1, 1), DateTimeZone.Utc, new LocalDate(2026, 12, 1), -1).ToString());
    }

    [Fact]
    public void Equality_IsByValue()
    {
        var a = TimeWindowPartitionsDefinition.Daily(new LocalDate(2026, 1, 1), Berlin);
        var b = new DailyPartitionsAttribute("2026-01-01") { Timezone = "Europe/Berlin" }.CreateDefinition();

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, TimeWindowPartitionsDefinition.Daily(new LocalDate(2026, 1, 1), Berlin, endOffset: 1));
        Assert.NotEqual(a, TimeWindowPartitionsDefinition.Daily(new LocalDate(2026, 1, 1), DateTimeZone.Utc));
        Assert.NotEqual<PartitionsDefinition>(a, TimeWindowPartitionsDefinition.Weekly(new LocalDate(2025, 12, 29), Berlin));
    }
}

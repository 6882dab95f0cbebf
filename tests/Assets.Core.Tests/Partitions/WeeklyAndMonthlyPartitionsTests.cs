using Assets.Partitions;
using NodaTime;

namespace Assets.Core.Tests.Partitions;

public class WeeklyAndMonthlyPartitionsTests
{
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
    private static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];

    [Theory]
    [InlineData(IsoDayOfWeek.Monday, "2023-12-25", "2024-12-30")]
    [InlineData(IsoDayOfWeek.Sunday, "2023-12-31", "2024-12-29")]
    public void Weekly_TwoYears_KeysAreEveryFirstDayOfTheWeekAndRoundTrip(IsoDayOfWeek firstDay, string start, string end)
    {
        var sut = new WeeklyPartitionsAttribute(start) { Timezone = "Europe/Berlin", End = end, FirstDayOfWeek = firstDay }.CreateDefinition();

        // Expected: every date with that day of the week, found by stepping one day at a time.
        var expected = new List<LocalDate>();
        for (var d = LocalDate.FromDateTime(DateTime.Parse(start, System.Globalization.CultureInfo.InvariantCulture)); d <= new LocalDate(2024, 12, 31); d = d.PlusDays(1))
        {
            if (d.DayOfWeek == firstDay)
            {
                expected.Add(d);
            }
        }

        Assert.Equal(expected.Count - 1, sut.LastIndex);
        for (var i = 0; i < expected.Count; i++)
        {
            var key = sut.KeyAt(i);
            Assert.Equal(expected[i].ToString("uuuu-MM-dd", null), key.Value);
            Assert.Equal(i, sut.IndexOf(key));
            var window = sut.WindowAt(i);
            Assert.Equal(expected[i].AtMidnight().InZoneLeniently(Berlin).ToInstant(), window.Interval.Start);
            Assert.Equal(expected[i].PlusDays(7).AtMidnight().InZoneLeniently(Berlin).ToInstant(), window.Interval.End);
        }
    }

    [Fact]
    public void Weekly_WeekCrossingYearEnd_StartsInOneYearAndEndsInTheNext()
    {
        var sut = TimeWindowPartitionsDefinition.Weekly(new LocalDate(2024, 12, 30), DateTimeZone.Utc);

        var window = sut.WindowAt(0);

        Assert.Equal("2024-12-30", window.Key.Value);
        Assert.Equal(new LocalDate(2025, 1, 6), window.End.Date);
        Assert.Equal(Duration.FromDays(7), window.Duration);
    }

    [Fact]
    public void Weekly_WeeksWithDstChanges_Last167And169Hours()
    {
        var monday = TimeWindowPartitionsDefinition.Weekly(new LocalDate(2026, 1, 5), Berlin);
        var sunday = TimeWindowPartitionsDefinition.Weekly(new LocalDate(2026, 1, 4), NewYork, firstDayOfWeek: IsoDayOfWeek.Sunday);

        Assert.Equal(Duration.FromHours(167), monday.GetWindow(new PartitionKey("2026-03-23")).Duration);
        Assert.Equal(Duration.FromHours(169), monday.GetWindow(new PartitionKey("2026-10-19")).Duration);
        Assert.Equal(Duration.FromHours(167), sunday.GetWindow(new PartitionKey("2026-03-08")).Duration);
        Assert.Equal(Duration.FromHours(169), sunday.GetWindow(new PartitionKey("2026-11-01")).Duration);
    }

    [Theory]
    [InlineData("2026-01-07", "2026-01-07 is a Wednesday and weeks start on Monday (the nearest keys are 2026-01-05 and 2026-01-12)")]
    [InlineData("2025-12-29", "it is before the first partition 2026-01-05")]
    [InlineData("2026-13-01", null)]
    public void ParseKey_InvalidWeeklyKey_ShowsReasonFormAndRange(string text, string? reason)
    {
        var sut = TimeWindowPartitionsDefinition.Weekly(new LocalDate(2026, 1, 5), DateTimeZone.Utc, new LocalDate(2026, 3, 30));

        var error = Assert.Throws<PartitionKeyException>(() => sut.ParseKey(text)).Message;

        var form = "expected yyyy-MM-dd of a Monday between 2026-01-05 and 2026-03-30 (UTC)";
        Assert.Equal(reason is null ? $"'{text}' is not a weekly partition key of this asset: {form}" : $"'{text}' is not a weekly partition key of this asset: {reason}; {form}", error);
    }

    [Theory]
    [InlineData(2024)]
    [InlineData(2026)]
    public void Monthly_WholeYear_MonthsAreCalendarMonthsInTheZone(int year)
    {
        var sut = new MonthlyPartitionsAttribute($"{year}-01-01") { Timezone = "America/New_York", End = $"{year}-12-01" }.CreateDefinition();

        Assert.Equal(11, sut.LastIndex);
        for (var month = 1; month <= 12; month++)
        {
            var key = sut.KeyAt(month - 1);
            Assert.Equal($"{year}-{month:D2}-01", key.Value);
            Assert.Equal(month - 1, sut.IndexOf(key));
            var first = new LocalDate(year, month, 1);
            var expectedHours = (first.PlusMonths(1).AtMidnight().InZoneLeniently(NewYork).ToInstant() - first.AtMidnight().InZoneLeniently(NewYork).ToInstant()).TotalHours;
            var days = CalendarSystem.Iso.GetDaysInMonth(year, month);
            var dstShift = month switch { 3 => -1, 11 => 1, _ => 0 };
            Assert.Equal(expectedHours, sut.WindowAt(month - 1).Duration.TotalHours);
            Assert.Equal((days * 24) + dstShift, expectedHours);
        }
    }

    [Fact]
    public void Monthly_FebruaryOfLeapYear_Has29Days()
    {
        var sut = TimeWindowPartitionsDefinition.Monthly(new LocalDate(2024, 1, 1), DateTimeZone.Utc);

        Assert.Equal(Duration.FromDays(29), sut.GetWindow(new PartitionKey("2024-02-01")).Duration);
        Assert.Equal(Duration.FromDays(28), sut.GetWindow(new PartitionKey("2026-02-01")).Duration);
        Assert.Equal(25, sut.IndexOf(new PartitionKey("2026-02-01")));
    }

    [Fact]
    public void ParseKey_MonthlyKeyNotOnTheFirst_IsRejectedNamingTheFirst()
    {
        var sut = TimeWindowPartitionsDefinition.Monthly(new LocalDate(2026, 1, 1), DateTimeZone.Utc);

        var error = Assert.Throws<PartitionKeyException>(() => sut.ParseKey("2026-03-15")).Message;

        Assert.Equal("'2026-03-15' is not a monthly partition key of this asset: monthly keys are the 1st of the month (2026-03-01); expected yyyy-MM-01 from 2026-01-01 on (UTC)", error);
    }
}

using Assets.Partitions;
using NodaTime;

namespace Assets.Core.Tests.Partitions;

public class PartitionsAttributeTests
{
    [Fact]
    public void Daily_ValidAttribute_BuildsTheDefinition()
    {
        var sut = new DailyPartitionsAttribute("2026-01-01") { Timezone = "Europe/Berlin", End = "2026-01-31", EndOffset = 1 };

        var definition = sut.CreateDefinition();

        Assert.Equal(TimeCadence.Daily, definition.Cadence);
        Assert.Equal(new LocalDateTime(2026, 1, 1, 0, 0), definition.Start);
        Assert.Equal(new LocalDateTime(2026, 1, 31, 0, 0), definition.End);
        Assert.Equal("Europe/Berlin", definition.Zone.Id);
        Assert.Equal(1, definition.EndOffset);
    }

    [Fact]
    public void Hourly_StartAsDateAndEndAsDate_RunFromMidnightThroughTheLastHourOfTheDay()
    {
        var sut = new HourlyPartitionsAttribute("2026-10-25") { Timezone = "Europe/Berlin", End = "2026-10-25" }.CreateDefinition();

        Assert.Equal(24, sut.LastIndex);
        Assert.Equal("2026-10-25-23:00", sut.KeyAt(24).Value);
        Assert.Equal("hourly from 2026-10-25-00:00 to 2026-10-25-23:00 (Europe/Berlin)", sut.Describe());
    }

    [Fact]
    public void Hourly_StartWithHour_IsThatHour()
    {
        var sut = new HourlyPartitionsAttribute("2026-01-01-06:00").CreateDefinition();

        Assert.Equal("2026-01-01-06:00", sut.KeyAt(0).Value);
    }

    [Theory]
    [InlineData("europe/berlin", "'Europe/Berlin'")]
    [InlineData("Europe/Berln", "'Europe/Berlin'")]
    [InlineData("Berlin", "'Europe/Berlin'")]
    [InlineData("CET+9xyz-nowhere", "use an IANA id such as")]
    public void CreateDefinition_UnknownTimeZone_SuggestsCloseIds(string zone, string suggestion)
    {
        var sut = new DailyPartitionsAttribute("2026-01-01") { Timezone = zone };

        var error = Assert.Throws<DefinitionException>(sut.CreateDefinition).Message;

        Assert.StartsWith($"Timezone '{zone}' is not a known IANA time zone id: ", error, StringComparison.Ordinal);
        Assert.Contains(suggestion, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-1-1", null, "[DailyPartitions]: Start '2026-1-1' is not a date: use yyyy-MM-dd, for example \"2026-01-01\".")]
    [InlineData("2026-01-01", "31.01.2026", "[DailyPartitions]: End '31.01.2026' is not a date: use yyyy-MM-dd, for example \"2026-01-01\".")]
    [InlineData("2026-01-31", "2026-01-01", "[DailyPartitions]: The end 2026-01-01 is before the start 2026-01-31: the end is the start of the last partition, so it must be on or after the start; swap them or remove the end.")]
    public void Daily_BadStartOrEnd_SaysWhatToChange(string start, string? end, string message)
    {
        var sut = new DailyPartitionsAttribute(start) { End = end };

        Assert.Equal(message, Assert.Throws<DefinitionException>(sut.CreateDefinition).Message);
    }

    [Fact]
    public void Hourly_MalformedStart_ShowsBothForms()
    {
        var error = Assert.Throws<DefinitionException>(new HourlyPartitionsAttribute("2026-01-01T00:00").CreateDefinition).Message;

        Assert.Equal("[HourlyPartitions]: Start '2026-01-01T00:00' is not an hour: use yyyy-MM-dd-HH:mm (for example \"2026-01-01-00:00\") or yyyy-MM-dd for midnight.", error);
    }

    [Fact]
    public void Hourly_StartNotOnTheHourOrSkipped_SaysWhatToUse()
    {
        var halfPast = Assert.Throws<DefinitionException>(new HourlyPartitionsAttribute("2026-01-01-06:30").CreateDefinition).Message;
        var skipped = Assert.Throws<DefinitionException>(new HourlyPartitionsAttribute("2026-03-29-02:00") { Timezone = "Europe/Berlin" }.CreateDefinition).Message;

        Assert.Contains("start on the hour", halfPast, StringComparison.Ordinal);
        Assert.Contains("use 2026-01-01-06:00", halfPast, StringComparison.Ordinal);
        Assert.Contains("does not exist in Europe/Berlin", skipped, StringComparison.Ordinal);
        Assert.Contains("start at 2026-03-29-03:00 instead", skipped, StringComparison.Ordinal);
    }

    [Fact]
    public void Weekly_StartNotOnTheFirstDayOfTheWeek_NamesTheDayAndTheTwoNearestValidDates()
    {
        var error = Assert.Throws<DefinitionException>(new WeeklyPartitionsAttribute("2026-01-07").CreateDefinition).Message;

        Assert.Equal(
            "[WeeklyPartitions]: Weekly partitions start on a Monday, but the start 2026-01-07 is a Wednesday: use 2026-01-05 or 2026-01-12, or set FirstDayOfWeek = Wednesday.",
            error);
    }

    [Fact]
    public void Weekly_SundayWeeks_AcceptASundayStart()
    {
        var sut = new WeeklyPartitionsAttribute("2026-01-04") { FirstDayOfWeek = IsoDayOfWeek.Sunday }.CreateDefinition();

        Assert.Equal(IsoDayOfWeek.Sunday, sut.FirstDayOfWeek);
        Assert.Equal("2026-01-11", sut.KeyAt(1).Value);
    }

    [Fact]
    public void Weekly_EndNotOnTheFirstDayOfTheWeek_IsRejected()
    {
        var error = Assert.Throws<DefinitionException>(new WeeklyPartitionsAttribute("2026-01-05") { End = "2026-02-01" }.CreateDefinition).Message;

        Assert.Contains("the end 2026-02-01 is a Sunday: use 2026-01-26 or 2026-02-02", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Monthly_StartNotOnTheFirst_SaysToUseTheFirst()
    {
        var error = Assert.Throws<DefinitionException>(new MonthlyPartitionsAttribute("2026-01-15").CreateDefinition).Message;

        Assert.Equal("[MonthlyPartitions]: Monthly partitions start on the 1st of a month, but the start is 2026-01-15: use 2026-01-01 or 2026-02-01.", error);
    }

    [Fact]
    public void Static_Attribute_BuildsTheListInOrder()
    {
        var sut = new StaticPartitionsAttribute("us", "eu", "apac").CreateDefinition();

        Assert.Equal(["us", "eu", "apac"], sut.Keys.Select(k => k.Value));
    }

    [Fact]
    public void Static_AttributeWithDuplicate_SaysToRemoveIt()
    {
        var error = Assert.Throws<DefinitionException>(new StaticPartitionsAttribute("us", "eu", "us").CreateDefinition).Message;

        Assert.Equal("[StaticPartitions]: The static partition key 'us' is listed twice: remove the duplicate.", error);
    }
}

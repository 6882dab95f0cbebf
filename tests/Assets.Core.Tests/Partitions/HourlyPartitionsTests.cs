using Assets.Partitions;
using NodaTime;

namespace Assets.Core.Tests.Partitions;

public class HourlyPartitionsTests
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
        => new HourlyPartitionsAttribute($"{year}-01-01") { Timezone = zone.Id, End = $"{year}-12-31" }.CreateDefinition();

    /// <summary>The expected local start of every hour of the year, found by walking instants one hour at a time.</summary>
    private static List<ZonedDateTime> WalkHours(DateTimeZone zone, int year)
    {
        var hours = new List<ZonedDateTime>();
        var instant = new LocalDateTime(year, 1, 1, 0, 0).InZoneStrictly(zone).ToInstant();
        while (true)
        {
            var zoned = instant.InZone(zone);
            if (zoned.Year != year)
            {
                return hours;
            }

            hours.Add(zoned);
            instant += Duration.FromHours(1);
        }
    }

    [Theory]
    [MemberData(nameof(ZonesAndYears))]
    public void Hourly_WholeYear_HasTheHoursOfEachDayThatTheZoneHas(string zoneId, int year)
    {
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        var sut = CreateSut(zone, year);
        var expected = WalkHours(zone, year);

        Assert.Equal(expected.Count - 1, sut.LastIndex);
        var perDay = expected.GroupBy(z => z.Date).ToDictionary(g => g.Key, g => g.Count());
        var keysPerDay = Enumerable.Range(0, sut.LastIndex!.Value + 1)
            .GroupBy(i => sut.WindowAt(i).StartDate)
            .ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(perDay, keysPerDay);
        Assert.All(perDay.Values, n => Assert.InRange(n, 23, 25));
        if (zoneId is "UTC" or "Asia/Kolkata")
        {
            Assert.All(perDay.Values, n => Assert.Equal(24, n));
        }
        else
        {
            Assert.Equal(1, perDay.Values.Count(n => n == 23));
            Assert.Equal(1, perDay.Values.Count(n => n == 25));
        }
    }

    [Theory]
    [MemberData(nameof(ZonesAndYears))]
    public void Hourly_EveryKeyOfTheYear_RoundTripsThroughKeyAtIndexOfAndParseKey(string zoneId, int year)
    {
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        var sut = CreateSut(zone, year);
        var expected = WalkHours(zone, year);

        for (var i = 0; i < expected.Count; i++)
        {
            var key = sut.KeyAt(i);
            var local = expected[i].LocalDateTime;
            var ambiguous = zone.MapLocal(local).Count == 2;
            var text = $"{local:uuuu-MM-dd-HH:mm}" + (ambiguous ? expected[i].Offset.ToString("+HH:mm", null) : string.Empty);
            Assert.Equal(text, key.Value);
            Assert.Equal(i, sut.IndexOf(key));
            Assert.Equal(key, sut.ParseKey(key.Value));
            Assert.True(sut.Contains(key));
            var window = sut.WindowAt(i);
            Assert.Equal(expected[i].ToInstant(), window.Interval.Start);
            Assert.Equal(Duration.FromHours(1), window.Duration);
        }
    }

    [Fact]
    public void Hourly_BerlinSpringForwardDay_Has23Hours()
    {
        var sut = TimeWindowPartitionsDefinition.Hourly(new LocalDateTime(2026, 3, 29, 0, 0), Berlin);

        var keys = sut.GetKeys(Instant.FromUtc(2026, 3, 29, 22, 0)).Select(k => k.Value).ToList();

        Assert.Equal(23, keys.Count);
        Assert.Equal("2026-03-29-01:00", keys[1]);
        Assert.Equal("2026-03-29-03:00", keys[2]);
    }

    [Fact]
    public void Hourly_BerlinFallBackDay_Has25HoursAndBothAmbiguousKeysCarryTheirOffset()
    {
        var sut = TimeWindowPartitionsDefinition.Hourly(new LocalDateTime(2026, 10, 25, 0, 0), Berlin);

        var keys = sut.GetKeys(Instant.FromUtc(2026, 10, 25, 23, 0)).Select(k => k.Value).ToList();

        Assert.Equal(25, keys.Count);
        Assert.Equal(["2026-10-25-01:00", "2026-10-25-02:00+02:00", "2026-10-25-02:00+01:00", "2026-10-25-03:00"], keys.Skip(1).Take(4));
        Assert.Equal(2, sut.IndexOf(new PartitionKey("2026-10-25-02:00+02:00")));
        Assert.Equal(3, sut.IndexOf(new PartitionKey("2026-10-25-02:00+01:00")));
    }

    [Fact]
    public void ParseKey_AmbiguousHourWithoutOffset_FailsNamingBothValidKeys()
    {
        var sut = TimeWindowPartitionsDefinition.Hourly(new LocalDateTime(2026, 1, 1, 0, 0), Berlin);

        var ok = sut.TryParseKey("2026-10-25-02:00", out _, out var error);

        Assert.False(ok);
        Assert.Contains("'2026-10-25-02:00+02:00'", error, StringComparison.Ordinal);
        Assert.Contains("'2026-10-25-02:00+01:00'", error, StringComparison.Ordinal);
        Assert.Contains("happens twice in Europe/Berlin", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseKey_HourSkippedBySpringForward_FailsSayingItDoesNotExist()
    {
        var sut = TimeWindowPartitionsDefinition.Hourly(new LocalDateTime(2026, 1, 1, 0, 0), Berlin);

        var error = Assert.Throws<PartitionKeyException>(() => sut.ParseKey("2026-03-29-02:00")).Message;

        Assert.Contains("does not exist in Europe/Berlin", error, StringComparison.Ordinal);
        Assert.Contains("expected yyyy-MM-dd-HH:00 from 2026-01-01-00:00 on (Europe/Berlin)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseKey_UnambiguousHourWithItsOffset_ParsesToThePlainKey()
    {
        var sut = TimeWindowPartitionsDefinition.Hourly(new LocalDateTime(2026, 1, 1, 0, 0), Berlin);

        Assert.Equal("2026-07-01-12:00", sut.ParseKey("2026-07-01-12:00+02:00").Value);
        Assert.Contains("has the UTC offset +02:00, not +05:00", Assert.Throws<PartitionKeyException>(() => sut.ParseKey("2026-07-01-12:00+05:00")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-01-01-10:30", "partitions start on the hour")]
    [InlineData("2025-12-31-23:00", "before the first partition 2026-01-01-00:00")]
    [InlineData("2026-01-02-00:00", "after the last partition 2026-01-01-23:00")]
    [InlineData("2026-01-01 10:00", "expected yyyy-MM-dd-HH:00")]
    [InlineData("2026-01-01-24:00", "expected yyyy-MM-dd-HH:00")]
    [InlineData("2026-01-01", "expected yyyy-MM-dd-HH:00")]
    public void ParseKey_InvalidHourlyKey_ShowsReasonFormAndRange(string text, string reason)
    {
        var sut = TimeWindowPartitionsDefinition.Hourly(new LocalDateTime(2026, 1, 1, 0, 0), DateTimeZone.Utc, new LocalDateTime(2026, 1, 1, 23, 0));

        var error = Assert.Throws<PartitionKeyException>(() => sut.ParseKey(text)).Message;

        Assert.StartsWith($"'{text}' is not an hourly partition key of this asset: ", error, StringComparison.Ordinal);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.EndsWith("expected yyyy-MM-dd-HH:00 between 2026-01-01-00:00 and 2026-01-01-23:00 (UTC)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Hourly_KolkataHalfHourOffset_KeysAreLocalHours()
    {
        var kolkata = DateTimeZoneProviders.Tzdb["Asia/Kolkata"];
        var sut = TimeWindowPartitionsDefinition.Hourly(new LocalDateTime(2026, 1, 1, 0, 0), kolkata);

        var window = sut.GetWindow(new PartitionKey("2026-01-01-05:00"));

        Assert.Equal(Instant.FromUtc(2025, 12, 31, 23, 30), window.Interval.Start);
        Assert.Equal(Instant.FromUtc(2026, 1, 1, 0, 30), window.Interval.End);
    }
}

using NodaTime;

namespace Assets.Partitions;

/// <summary>
/// The common part of the time partition attributes (<see cref="HourlyPartitionsAttribute"/>,
/// <see cref="DailyPartitionsAttribute"/>, <see cref="WeeklyPartitionsAttribute"/>,
/// <see cref="MonthlyPartitionsAttribute"/>): a start, a time zone, an optional end and an end offset.
/// The resulting <see cref="TimeWindowPartitionsDefinition"/> documents what the values mean.
/// </summary>
public abstract class TimeWindowPartitionsAttribute : PartitionsAttribute
{
    private protected TimeWindowPartitionsAttribute(string start) => Start = start;

    /// <summary>The start of the first partition, as given.</summary>
    public string Start { get; }

    /// <summary>The IANA time zone the windows are cut in. Default <c>UTC</c>.</summary>
    public string Timezone { get; set; } = "UTC";

    /// <summary>
    /// The start of the last partition, inclusive (<c>End = "2026-01-31"</c> on daily partitions includes
    /// January 31), in the same form as the start. Default: none, the partitions never end.
    /// </summary>
    public string? End { get; set; }

    /// <summary>
    /// How many partitions past the last ended one exist (Dagster's <c>end_offset</c>): 1 makes the current,
    /// still running window a partition too; may be negative. Default 0.
    /// </summary>
    public int EndOffset { get; set; }

    /// <summary>The cadence this attribute declares.</summary>
    public abstract TimeCadence Cadence { get; }

    /// <inheritdoc />
    public abstract override TimeWindowPartitionsDefinition CreateDefinition();

    private protected string AttributeName => $"[{Cadence}Partitions]";

    /// <summary>Parses a <c>yyyy-MM-dd</c> value of this attribute.</summary>
    private protected LocalDate ParseDate(string? text, string property)
        => PartitionKeyFormat.TryParseDate(text?.Trim() ?? string.Empty, out var date)
            ? date
            : throw new DefinitionException(
                $"{AttributeName}: {property} '{AssetKey.Printable(text ?? string.Empty)}' is not a date: use yyyy-MM-dd, for example \"2026-01-01\".");

    /// <summary>Builds the definition from the parsed start and end; wraps nothing, the definition's own errors already say what to change.</summary>
    private protected TimeWindowPartitionsDefinition Build(LocalDateTime start, LocalDateTime? end, IsoDayOfWeek firstDayOfWeek = IsoDayOfWeek.Monday)
    {
        var zone = TimeZoneNames.Resolve(Timezone);
        try
        {
            return new TimeWindowPartitionsDefinition(Cadence, start, zone, end, EndOffset, firstDayOfWeek);
        }
        catch (DefinitionException e)
        {
            throw new DefinitionException($"{AttributeName}: {e.Message}", e);
        }
    }

    /// <summary>Builds a daily, weekly or monthly definition from date strings.</summary>
    private protected TimeWindowPartitionsDefinition BuildFromDates(IsoDayOfWeek firstDayOfWeek = IsoDayOfWeek.Monday)
    {
        var start = ParseDate(Start, "Start");
        LocalDate? end = End is null ? null : ParseDate(End, "End");
        return Build(start.AtMidnight(), end?.AtMidnight(), firstDayOfWeek);
    }
}

using NodaTime;

namespace Assets.Partitions;

/// <summary>
/// One partition per hour of elapsed time from the start, keyed <c>yyyy-MM-dd-HH:mm</c> in
/// <see cref="TimeWindowPartitionsAttribute.Timezone"/>: <c>[HourlyPartitions("2026-01-01-00:00")]</c>.
/// The start is <c>yyyy-MM-dd-HH:mm</c> on the hour, or <c>yyyy-MM-dd</c> for midnight. The end is the
/// start of the last hour (<c>yyyy-MM-dd-HH:mm</c>), or <c>yyyy-MM-dd</c> for the last hour of that day.
/// </summary>
public sealed class HourlyPartitionsAttribute : TimeWindowPartitionsAttribute
{
    /// <summary>Declares hourly partitions from <paramref name="start"/> (<c>yyyy-MM-dd-HH:mm</c> or <c>yyyy-MM-dd</c>).</summary>
    public HourlyPartitionsAttribute(string start)
        : base(start)
    {
    }

    /// <inheritdoc />
    public override TimeCadence Cadence => TimeCadence.Hourly;

    /// <inheritdoc />
    public override TimeWindowPartitionsDefinition CreateDefinition()
    {
        var start = ParseHour(Start, "Start", out var startIsDate);
        if (startIsDate)
        {
            start = TimeZoneNames.Resolve(Timezone).AtStartOfDay(start.Date).LocalDateTime;
        }

        LocalDateTime? end = null;
        if (End is not null)
        {
            var parsed = ParseHour(End, "End", out var endIsDate);
            end = endIsDate ? LastHourStartingOn(parsed.Date) : parsed;
        }

        return Build(start, end);
    }

    private LocalDateTime ParseHour(string text, string property, out bool isDate)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        isDate = PartitionKeyFormat.TryParseDate(trimmed, out var date);
        if (isDate)
        {
            return date.AtMidnight();
        }

        if (PartitionKeyFormat.TryParseHour(trimmed, out var local, out var offset) && offset is null)
        {
            return local;
        }

        throw new DefinitionException(
            $"{AttributeName}: {property} '{AssetKey.Printable(trimmed)}' is not an hour: use yyyy-MM-dd-HH:mm (for example \"2026-01-01-00:00\") or yyyy-MM-dd for midnight.");
    }

    /// <summary>The local start of the last hour that starts on <paramref name="date"/> (23:00 on most days).</summary>
    private LocalDateTime LastHourStartingOn(LocalDate date)
    {
        var zone = TimeZoneNames.Resolve(Timezone);
        return (zone.AtStartOfDay(date.PlusDays(1)).ToInstant() - Duration.FromHours(1)).InZone(zone).LocalDateTime;
    }
}

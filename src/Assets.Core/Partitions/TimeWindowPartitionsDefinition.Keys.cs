using System.Diagnostics.CodeAnalysis;
using NodaTime;

namespace Assets.Partitions;

public sealed partial class TimeWindowPartitionsDefinition
{
    // Reading a key given as text: its window's index, or why the text is not a key of this definition.
    /// <summary>Finds the index of a key given as text, or says why the text is not a key of this definition.</summary>
    internal bool TryLocate(string? text, out int index, [NotNullWhen(false)] out string? errorMessage)
    {
        index = -1;
        var trimmed = text?.Trim() ?? string.Empty;
        long rawIndex;
        if (Cadence == TimeCadence.Hourly)
        {
            if (!TryLocateHour(trimmed, out rawIndex, out var reason))
            {
                errorMessage = Rejection(trimmed, reason);
                return false;
            }
        }
        else if (!TryLocateDate(trimmed, out rawIndex, out var reason))
        {
            errorMessage = Rejection(trimmed, reason);
            return false;
        }

        if (rawIndex < 0)
        {
            errorMessage = Rejection(trimmed, $"it is before the first partition {RawKeyText(0)}");
            return false;
        }

        if (!IsInRange(rawIndex))
        {
            errorMessage = Rejection(trimmed, $"it is after the last partition {RawKeyText(_lastIndex ?? int.MaxValue)}");
            return false;
        }

        index = (int)rawIndex;
        errorMessage = null;
        return true;
    }

    private bool TryLocateDate(string text, out long rawIndex, out string? reason)
    {
        rawIndex = 0;
        reason = null;
        if (!PartitionKeyFormat.TryParseDate(text, out var date))
        {
            return false;
        }

        switch (Cadence)
        {
            case TimeCadence.Weekly when date.DayOfWeek != FirstDayOfWeek:
                var previous = date.Previous(FirstDayOfWeek);
                reason = $"{PartitionKeyFormat.FormatDate(date)} is a {date.DayOfWeek} and weeks start on {FirstDayOfWeek} "
                    + $"(the nearest keys are {PartitionKeyFormat.FormatDate(previous)} and {PartitionKeyFormat.FormatDate(previous.PlusWeeks(1))})";
                return false;
            case TimeCadence.Monthly when date.Day != 1:
                reason = $"monthly keys are the 1st of the month ({PartitionKeyFormat.FormatDate(date.With(DateAdjusters.StartOfMonth))})";
                return false;
        }

        rawIndex = RawIndexContaining(Zone.AtStartOfDay(date).ToInstant());
        return true;
    }

    private bool TryLocateHour(string text, out long rawIndex, out string? reason)
    {
        rawIndex = 0;
        reason = null;
        if (!PartitionKeyFormat.TryParseHour(text, out var local, out var offset))
        {
            return false;
        }

        var mapping = Zone.MapLocal(local);
        var plain = PartitionKeyFormat.FormatHour(local);
        ZonedDateTime zoned;
        if (mapping.Count == 0)
        {
            reason = $"{plain} does not exist in {Zone.Id} (clocks skip that hour for daylight saving time)";
            return false;
        }

        if (offset is { } given)
        {
            if (given != mapping.First().Offset && given != mapping.Last().Offset)
            {
                var valid = mapping.Count == 2
                    ? $"{PartitionKeyFormat.FormatOffset(mapping.First().Offset)} or {PartitionKeyFormat.FormatOffset(mapping.Last().Offset)}"
                    : PartitionKeyFormat.FormatOffset(mapping.First().Offset);
                reason = $"{plain} in {Zone.Id} has the UTC offset {valid}, not {PartitionKeyFormat.FormatOffset(given)}";
                return false;
            }

            zoned = given == mapping.First().Offset ? mapping.First() : mapping.Last();
        }
        else if (mapping.Count == 2)
        {
            reason = $"{plain} happens twice in {Zone.Id} (clocks go back): write '{PartitionKeyFormat.FormatHour(local, mapping.First().Offset)}' "
                + $"for the first or '{PartitionKeyFormat.FormatHour(local, mapping.Last().Offset)}' for the second";
            return false;
        }
        else
        {
            zoned = mapping.Single();
        }

        var ticks = (zoned.ToInstant() - _firstInstant).BclCompatibleTicks;
        if (ticks % TicksPerHour != 0)
        {
            reason = "partitions start on the hour";
            return false;
        }

        rawIndex = FloorDiv(ticks, TicksPerHour);
        return true;
    }

    private string Rejection(string text, string? reason)
    {
        var article = Cadence == TimeCadence.Hourly ? "an" : "a";
        var shown = text.Length > 60 ? text[..60] + "..." : text;
        return reason is null
            ? $"'{shown}' is not {article} {Kind} partition key of this asset: expected {DescribeKeyForm()}"
            : $"'{shown}' is not {article} {Kind} partition key of this asset: {reason}; expected {DescribeKeyForm()}";
    }
}

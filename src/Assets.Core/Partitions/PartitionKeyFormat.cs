using System.Globalization;
using NodaTime;

namespace Assets.Partitions;

/// <summary>
/// Formats and parses the text of time partition keys (<c>yyyy-MM-dd</c>, <c>yyyy-MM-dd-HH:mm</c>,
/// optionally followed by a UTC offset <c>+HH:mm</c>) by hand: keys are formatted and parsed once per
/// partition per asset, so this avoids the pattern machinery, and it never throws on bad input.
/// </summary>
internal static class PartitionKeyFormat
{
    public const string DateForm = "yyyy-MM-dd";
    public const string HourForm = "yyyy-MM-dd-HH:mm";

    public static string FormatDate(LocalDate date)
        => string.Create(CultureInfo.InvariantCulture, $"{date.Year:D4}-{date.Month:D2}-{date.Day:D2}");

    public static string FormatHour(LocalDateTime local)
        => string.Create(CultureInfo.InvariantCulture, $"{local.Year:D4}-{local.Month:D2}-{local.Day:D2}-{local.Hour:D2}:{local.Minute:D2}");

    public static string FormatHour(LocalDateTime local, Offset offset) => FormatHour(local) + FormatOffset(offset);

    public static string FormatOffset(Offset offset)
    {
        var seconds = offset.Seconds;
        var sign = seconds < 0 ? '-' : '+';
        seconds = Math.Abs(seconds);
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{seconds / 3600:D2}:{seconds / 60 % 60:D2}");
    }

    /// <summary>Strict <c>yyyy-MM-dd</c> of a real ISO date with a four-digit year from 0001.</summary>
    public static bool TryParseDate(ReadOnlySpan<char> text, out LocalDate date)
    {
        date = default;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-'
            || !TryDigits(text[..4], out var year) || !TryDigits(text.Slice(5, 2), out var month) || !TryDigits(text.Slice(8, 2), out var day))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > CalendarSystem.Iso.GetDaysInMonth(year, month))
        {
            return false;
        }

        date = new LocalDate(year, month, day);
        return true;
    }

    /// <summary>Strict <c>yyyy-MM-dd-HH:mm</c>, optionally followed by <c>+HH:mm</c>, <c>-HH:mm</c> or <c>Z</c>.</summary>
    public static bool TryParseHour(ReadOnlySpan<char> text, out LocalDateTime local, out Offset? offset)
    {
        local = default;
        offset = null;
        if (text.Length < 16 || text[10] != '-' || text[13] != ':' || !TryParseDate(text[..10], out var date)
            || !TryDigits(text.Slice(11, 2), out var hour) || !TryDigits(text.Slice(14, 2), out var minute)
            || hour > 23 || minute > 59)
        {
            return false;
        }

        local = date.At(new LocalTime(hour, minute));
        var rest = text[16..];
        if (rest.IsEmpty)
        {
            return true;
        }

        if (rest is "Z")
        {
            offset = Offset.Zero;
            return true;
        }

        if (rest.Length != 6 || rest[0] is not ('+' or '-') || rest[3] != ':'
            || !TryDigits(rest.Slice(1, 2), out var offsetHours) || !TryDigits(rest.Slice(4, 2), out var offsetMinutes)
            || offsetHours > 18 || offsetMinutes > 59)
        {
            return false;
        }

        var seconds = (offsetHours * 3600) + (offsetMinutes * 60);
        offset = Offset.FromSeconds(rest[0] == '-' ? -seconds : seconds);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using NodaTime;

namespace Assets;

/// <summary>
/// Durations as people write them in attributes and on the command line: a sequence of numbers with
/// units <c>d</c>, <c>h</c>, <c>m</c>, <c>s</c>, <c>ms</c> (<c>3h</c>, <c>90m</c>, <c>1h30m</c>, <c>2s</c>).
/// </summary>
public static class DurationText
{
    /// <summary>Parses a duration, or says what the valid form is.</summary>
    public static bool TryParse(string? text, out Duration duration, [NotNullWhen(false)] out string? error)
    {
        duration = Duration.Zero;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "A duration must not be empty: write it like '3h', '90m', '1h30m' or '2s'.";
            return false;
        }

        var position = 0;
        var span = text.AsSpan().Trim();
        while (position < span.Length)
        {
            var numberStart = position;
            while (position < span.Length && char.IsAsciiDigit(span[position]))
            {
                position++;
            }

            var unitStart = position;
            while (position < span.Length && char.IsAsciiLetterLower(span[position]))
            {
                position++;
            }

            if (numberStart == unitStart
                || !long.TryParse(span[numberStart..unitStart], NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
                || !TryUnit(span[unitStart..position], out var unit))
            {
                error = $"'{text}' is not a duration: write a number and a unit (d, h, m, s, ms), like '3h', '90m', '1h30m' or '2s'.";
                return false;
            }

            duration += unit * amount;
        }

        return true;
    }

    /// <summary>Parses a duration; throws <see cref="FormatException"/> with the valid form.</summary>
    public static Duration Parse(string? text)
        => TryParse(text, out var duration, out var error) ? duration : throw new FormatException(error);

    /// <summary>
    /// <paramref name="duration"/> as <see cref="Format"/> writes it, rounded as people say it: to the millisecond under
    /// ten seconds, else to the second (<c>21s</c>, <c>334d20h9m45s</c>).
    /// </summary>
    public static string Approximately(Duration duration)
        => Format(Math.Abs(duration.TotalSeconds) < 10
            ? Duration.FromMilliseconds(Math.Round(duration.TotalMilliseconds))
            : Duration.FromSeconds(Math.Round(duration.TotalSeconds)));

    /// <summary>Formats a duration in the same short form (<c>1h30m</c>); the inverse of <see cref="Parse"/>.</summary>
    public static string Format(Duration duration)
    {
        if (duration == Duration.Zero)
        {
            return "0s";
        }

        var builder = new StringBuilder();
        if (duration < Duration.Zero)
        {
            builder.Append('-');
            duration = -duration;
        }

        Append(builder, duration.Days, "d");
        Append(builder, duration.Hours, "h");
        Append(builder, duration.Minutes, "m");
        Append(builder, duration.Seconds, "s");
        Append(builder, duration.SubsecondTicks / NodaConstants.TicksPerMillisecond, "ms");
        return builder.ToString();

        static void Append(StringBuilder builder, long amount, string unit)
        {
            if (amount != 0)
            {
                builder.Append(amount.ToString(CultureInfo.InvariantCulture)).Append(unit);
            }
        }
    }

    private static bool TryUnit(ReadOnlySpan<char> unit, out Duration value)
    {
        value = unit switch
        {
            "d" => Duration.FromDays(1),
            "h" => Duration.FromHours(1),
            "m" => Duration.FromMinutes(1),
            "s" => Duration.FromSeconds(1),
            "ms" => Duration.FromMilliseconds(1),
            _ => Duration.Zero,
        };
        return value != Duration.Zero;
    }
}

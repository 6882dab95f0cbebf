using Assets.Partitions;
using NodaTime;
using NodaTime.Text;

namespace Assets.Planning;

/// <summary>
/// One end of a <c>--from A --to B</c> range, read for one time-partitioned definition (the time dimension of a
/// two-dimensional one), so one range works across cadences and zones:
/// <list type="bullet">
/// <item><description>A key of the definition's own form picks that partition: from its start (<c>--from</c>) or to its
/// end (<c>--to</c>), whether the partition exists yet or not.</description></item>
/// <item><description>Otherwise a date (<c>2026-03-08</c>: the day in the definition's zone; as <c>--to</c>, up to the end of
/// that day), a local date and time (<c>2026-03-08T06:00</c>, in the definition's zone) or an instant
/// (<c>2026-03-08T05:00:00Z</c>, or with an offset) is a point in time; the range picks the partitions whose intervals lie
/// entirely between the two points.</description></item>
/// </list>
/// Bounds are raw window indexes: negative before the first partition, past the last one after it.
/// </summary>
internal static class TimeRangeBound
{
    private static readonly LocalDateTimePattern MinutePattern = LocalDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm");

    /// <summary>The first window of a range starting at <paramref name="text"/>, and the instant the range starts.</summary>
    public static bool TryFirst(TimeWindowPartitionsDefinition time, string text, out long first, out Instant start, out string? error)
    {
        if (time.TryLocate(text, out var index, out var keyError))
        {
            (first, start, error) = (index, time.RawStart(index), null);
            return true;
        }

        if (TryPoint(time.Zone, text.Trim(), atEndOfDay: false, out start))
        {
            var containing = time.RawIndexContaining(start);
            (first, error) = (time.RawStart(containing) == start ? containing : containing + 1, null);
            return true;
        }

        (first, error) = (0, Explain(keyError));
        return false;
    }

    /// <summary>The last window of a range ending at <paramref name="text"/>, and the instant the range ends.</summary>
    public static bool TryLast(TimeWindowPartitionsDefinition time, string text, out long last, out Instant end, out string? error)
    {
        if (time.TryLocate(text, out var index, out var keyError))
        {
            (last, end, error) = (index, time.RawStart(index + 1L), null);
            return true;
        }

        if (TryPoint(time.Zone, text.Trim(), atEndOfDay: true, out end))
        {
            // Windows are contiguous: the one containing the end starts at or before it, so the one before ends by it.
            (last, error) = (time.RawIndexContaining(end) - 1, null);
            return true;
        }

        (last, error) = (0, Explain(keyError));
        return false;
    }

    private static string Explain(string keyError)
        => keyError + ", or a date (yyyy-MM-dd) or an instant (such as 2026-03-08T05:00:00Z) to pick the partitions whose intervals lie in the range";

    private static bool TryPoint(DateTimeZone zone, string text, bool atEndOfDay, out Instant point)
    {
        if (PartitionKeyFormat.TryParseDate(text, out var date))
        {
            point = zone.AtStartOfDay(atEndOfDay ? date.PlusDays(1) : date).ToInstant();
            return true;
        }

        if (InstantPattern.ExtendedIso.Parse(text) is { Success: true } instant)
        {
            point = instant.Value;
            return true;
        }

        if (OffsetDateTimePattern.ExtendedIso.Parse(text) is { Success: true } offset)
        {
            point = offset.Value.ToInstant();
            return true;
        }

        if ((LocalDateTimePattern.ExtendedIso.Parse(text) is { Success: true } local ? local : MinutePattern.Parse(text)) is { Success: true } parsed)
        {
            point = zone.AtLeniently(parsed.Value).ToInstant();
            return true;
        }

        point = default;
        return false;
    }
}

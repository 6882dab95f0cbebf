using Cronos;
using NodaTime;

namespace Assets;

/// <summary>The cron expressions and time zones attributes name, read with the message a user needs when one is wrong.</summary>
internal static class CronText
{
    /// <summary>Parses a five-field cron expression; on failure adds an error naming <paramref name="attribute"/> and returns <c>null</c>.</summary>
    public static CronExpression? Parse(string expression, string attribute, List<string> errors)
    {
        try
        {
            return CronExpression.Parse(expression, CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            errors.Add($"[{attribute} = \"{expression}\")] is not a five-field cron expression ({e.Message}); for example \"0 6 * * *\" is 06:00 every day.");
            return null;
        }
    }

    /// <summary>
    /// Parses a schedule: five fields, or six with seconds first (<c>"*/10 * * * * *"</c>: every ten seconds), for
    /// schedules finer than a minute; on failure adds an error naming <paramref name="attribute"/> and returns <c>null</c>.
    /// </summary>
    public static CronExpression? ParseSchedule(string expression, string attribute, List<string> errors)
    {
        // Cronos reads seconds only when told to; the number of fields says which the user wrote.
        var fields = expression.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        try
        {
            return CronExpression.Parse(expression, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            errors.Add($"[{attribute} = \"{expression}\")] is not a five-field cron expression, nor a six-field one with seconds first ({e.Message}); for example \"0 6 * * *\" is 06:00 every day, \"*/10 * * * * *\" every ten seconds.");
            return null;
        }
    }

    /// <summary>The IANA zone named (UTC when <c>null</c>); on failure adds an error naming <paramref name="attribute"/> and returns <c>null</c>.</summary>
    public static DateTimeZone? Zone(string? timezone, string attribute, List<string> errors)
    {
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(timezone ?? "UTC");
        if (zone is null)
        {
            errors.Add($"[{attribute} = \"{timezone}\")] is not an IANA time zone id such as \"Europe/Berlin\" or \"UTC\".");
        }

        return zone;
    }

    /// <summary>The zone as Cronos takes it (the same TZDB id from the system's time zone data).</summary>
    public static TimeZoneInfo ToTimeZoneInfo(DateTimeZone zone) => TimeZoneInfo.FindSystemTimeZoneById(zone.Id);
}

using Cronos;
using NodaTime;

namespace Assets.Automation;

/// <summary>When the daemon materializes an asset by itself, read from <see cref="AutomationAttribute"/>. Immutable.</summary>
public sealed class AutomationPolicy
{
    private AutomationPolicy(AutomationKind kind, string? cron, CronExpression? schedule, DateTimeZone zone, MissedTickPolicy missedTicks)
    {
        Kind = kind;
        Cron = cron;
        Schedule = schedule;
        Zone = zone;
        MissedTicks = missedTicks;
    }

    /// <summary>The eager policy.</summary>
    public static AutomationPolicy Eager { get; } = new(AutomationKind.Eager, null, null, DateTimeZone.Utc, MissedTickPolicy.Last);

    /// <summary>Eager or on a schedule.</summary>
    public AutomationKind Kind { get; }

    /// <summary>The cron expression as written, for a schedule.</summary>
    public string? Cron { get; }

    /// <summary>The schedule's time zone (UTC for eager).</summary>
    public DateTimeZone Zone { get; }

    /// <summary>What a schedule does with ticks missed while the daemon was down.</summary>
    public MissedTickPolicy MissedTicks { get; }

    internal CronExpression? Schedule { get; }

    /// <summary>
    /// The schedule's ticks after <paramref name="after"/> up to and including <paramref name="until"/>, oldest first
    /// (none for eager). A wall time skipped by a daylight-saving change fires once at the change; a repeated one fires once.
    /// </summary>
    public IEnumerable<Instant> TicksBetween(Instant after, Instant until)
    {
        if (Schedule is null || until <= after)
        {
            return [];
        }

        var zone = CronText.ToTimeZoneInfo(Zone);
        return Schedule.GetOccurrences(after.ToDateTimeOffset(), until.ToDateTimeOffset(), zone, fromInclusive: false, toInclusive: true)
            .Select(Instant.FromDateTimeOffset);
    }

    /// <summary>One line for people: <c>eager</c>, or <c>cron 0 6 * * * (Europe/Berlin), missed ticks: last</c>.</summary>
    public string Describe()
        => Kind == AutomationKind.Eager ? "eager" : $"cron {Cron} ({Zone.Id}), missed ticks: {MissedTicks.ToString().ToLowerInvariant()}";

    /// <inheritdoc />
    public override string ToString() => Describe();

    /// <summary>Reads the attribute; throws <see cref="DefinitionException"/> naming every bad value.</summary>
    internal static AutomationPolicy FromAttribute(AutomationAttribute attribute)
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(attribute.Kind))
        {
            errors.Add($"[Automation({attribute.Kind})] is not a kind of automation: use AutomationKind.Eager, or Cron = \"...\".");
        }

        if (!Enum.IsDefined(attribute.MissedTicks))
        {
            errors.Add($"[Automation(MissedTicks = {attribute.MissedTicks})] is not a policy: use MissedTickPolicy.All, Last or None.");
        }

        if (attribute.Kind == AutomationKind.Eager)
        {
            if (attribute.Cron is not null || attribute.Timezone is not null)
            {
                errors.Add("[Automation(AutomationKind.Eager)] runs as soon as partitions are missing or stale and takes no Cron or Timezone: remove them, or drop Eager to run on the schedule.");
            }

            return errors.Count == 0 ? Eager : throw new DefinitionException(string.Join(" ", errors));
        }

        CronExpression? schedule = null;
        if (string.IsNullOrWhiteSpace(attribute.Cron))
        {
            errors.Add("[Automation] needs Cron = \"...\" (for example \"0 6 * * *\", 06:00 every day), or AutomationKind.Eager.");
        }
        else
        {
            schedule = CronText.ParseSchedule(attribute.Cron, "Automation(Cron", errors);
        }

        var zone = CronText.Zone(attribute.Timezone, "Automation(Timezone", errors);

        return errors.Count == 0
            ? new AutomationPolicy(AutomationKind.Cron, attribute.Cron, schedule, zone!, attribute.MissedTicks)
            : throw new DefinitionException(string.Join(" ", errors));
    }
}

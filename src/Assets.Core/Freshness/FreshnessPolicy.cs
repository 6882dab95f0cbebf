using Cronos;
using NodaTime;

namespace Assets.Freshness;

/// <summary>
/// How late an asset's data may be (see <see cref="FreshnessAttribute"/> for the meaning). At least one
/// of <see cref="MaxLag"/> and <see cref="Deadline"/> is set; <see cref="WarnAfter"/>, when set, is
/// shorter than <see cref="MaxLag"/>. Immutable.
/// </summary>
public sealed class FreshnessPolicy
{
    private FreshnessPolicy(Duration? maxLag, Duration? warnAfter, string? deadline, CronExpression? deadlineCron, DateTimeZone zone)
    {
        MaxLag = maxLag;
        WarnAfter = warnAfter;
        Deadline = deadline;
        DeadlineCron = deadlineCron;
        Zone = zone;
    }

    /// <summary>The longest allowed lag, if any.</summary>
    public Duration? MaxLag { get; }

    /// <summary>The lag from which the asset is reported as warn, if any.</summary>
    public Duration? WarnAfter { get; }

    /// <summary>The cron expression of the deadline, as written, if any.</summary>
    public string? Deadline { get; }

    /// <summary>The parsed deadline, if any.</summary>
    internal CronExpression? DeadlineCron { get; }

    /// <summary>The time zone of the deadline.</summary>
    public DateTimeZone Zone { get; }

    /// <summary>One line for people: <c>max lag 3h, warn after 2h, deadline 0 6 * * * (Europe/Berlin)</c>.</summary>
    public string Describe()
    {
        var parts = new List<string>(3);
        if (MaxLag is { } maxLag)
        {
            parts.Add($"max lag {DurationText.Format(maxLag)}");
        }

        if (WarnAfter is { } warnAfter)
        {
            parts.Add($"warn after {DurationText.Format(warnAfter)}");
        }

        if (Deadline is not null)
        {
            parts.Add($"deadline {Deadline} ({Zone.Id})");
        }

        return string.Join(", ", parts);
    }

    /// <inheritdoc />
    public override string ToString() => Describe();

    /// <summary>Reads the attribute; throws <see cref="DefinitionException"/> naming every bad value.</summary>
    internal static FreshnessPolicy FromAttribute(FreshnessAttribute attribute)
    {
        var errors = new List<string>();
        Duration? maxLag = null;
        Duration? warnAfter = null;
        CronExpression? cron = null;
        if (attribute.MaxLag is not null)
        {
            if (DurationText.TryParse(attribute.MaxLag, out var lag, out var error))
            {
                maxLag = lag;
            }
            else
            {
                errors.Add($"[Freshness(MaxLag = \"{attribute.MaxLag}\")]: {error}");
            }
        }

        if (attribute.WarnAfter is not null)
        {
            if (DurationText.TryParse(attribute.WarnAfter, out var warn, out var error))
            {
                warnAfter = warn;
            }
            else
            {
                errors.Add($"[Freshness(WarnAfter = \"{attribute.WarnAfter}\")]: {error}");
            }
        }

        if (attribute.Deadline is not null)
        {
            cron = CronText.Parse(attribute.Deadline, "Freshness(Deadline", errors);
        }

        var zone = CronText.Zone(attribute.Timezone, "Freshness(Timezone", errors);

        if (attribute.MaxLag is null && attribute.Deadline is null)
        {
            errors.Add("[Freshness] needs MaxLag (for example \"3h\"), Deadline (for example \"0 6 * * *\"), or both.");
        }

        if (warnAfter is { } w && maxLag is { } m && w >= m)
        {
            errors.Add($"[Freshness] WarnAfter ({attribute.WarnAfter}) must be shorter than MaxLag ({attribute.MaxLag}).");
        }

        return errors.Count == 0
            ? new FreshnessPolicy(maxLag, warnAfter, attribute.Deadline, cron, zone!)
            : throw new DefinitionException(string.Join(" ", errors));
    }
}

namespace Assets;

/// <summary>
/// Lets the daemon (<c>serve</c>) materialize an asset by itself. Without it an asset runs only when asked
/// (<c>materialize</c>, <c>backfill</c>).
/// <list type="bullet">
/// <item><description><c>[Automation(AutomationKind.Eager)]</c>: every tick, the partitions that are missing (a
/// source arrived, a new time window ended), stale (an upstream was republished, the code changed, a source
/// changed) or waiting for their source are materialized, once what they read is published and up to date.
/// Failed and quarantined partitions are left for a person (<c>materialize</c>, <c>backfill --reprocess
/// failed-and-missing</c>), so a broken input is not retried every tick.</description></item>
/// <item><description><c>[Automation(Cron = "0 6 * * *", Timezone = "Europe/Berlin")]</c>: at each tick of the
/// schedule, the newest partition whose time window has ended by then (every partition of a static-partitioned
/// asset; the asset when unpartitioned) is materialized, whatever its status, like a scheduled job. Ticks that
/// passed while the daemon was down are handled by <see cref="MissedTicks"/>.</description></item>
/// </list>
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class AutomationAttribute : Attribute
{
    /// <summary>A cron schedule: set <see cref="Cron"/> (and <see cref="Timezone"/>).</summary>
    public AutomationAttribute() => Kind = AutomationKind.Cron;

    /// <summary>Automation of the given kind; <see cref="AutomationKind.Cron"/> needs <see cref="Cron"/> too.</summary>
    /// <param name="kind">Eager or on a schedule.</param>
    public AutomationAttribute(AutomationKind kind) => Kind = kind;

    /// <summary>Eager or on a schedule.</summary>
    public AutomationKind Kind { get; }

    /// <summary>
    /// A five-field cron expression (<c>"0 6 * * *"</c>: 06:00 every day) in <see cref="Timezone"/>, or six fields with
    /// seconds first (<c>"*/10 * * * * *"</c>: every ten seconds) for a schedule finer than a minute.
    /// </summary>
    public string? Cron { get; set; }

    /// <summary>The IANA time zone of <see cref="Cron"/>. Default: UTC.</summary>
    public string? Timezone { get; set; }

    /// <summary>What to do with the schedule's ticks that passed while the daemon was not running. Default: <see cref="MissedTickPolicy.Last"/>.</summary>
    public MissedTickPolicy MissedTicks { get; set; } = MissedTickPolicy.Last;
}

/// <summary>When the daemon materializes an asset by itself (see <see cref="AutomationAttribute"/>).</summary>
public enum AutomationKind
{
    /// <summary>As soon as partitions are missing or stale and what they read is up to date.</summary>
    Eager,

    /// <summary>At the ticks of a cron schedule.</summary>
    Cron,
}

/// <summary>What a scheduled asset does with the ticks that passed while the daemon was down.</summary>
public enum MissedTickPolicy
{
    /// <summary>Run every missed tick, oldest first (each materializes the partition that was newest at its tick).</summary>
    All,

    /// <summary>Run only the newest missed tick.</summary>
    Last,

    /// <summary>Skip missed ticks; run again at the next tick on time.</summary>
    None,
}

namespace Assets.Hosting.Configuration;

/// <summary>Settings of the daemon (<c>serve</c>), bound from <c>Assets:Daemon</c>.</summary>
public sealed class DaemonOptions
{
    /// <summary>Seconds between the daemon's ticks (freshness, observation, automation). Default: 30; at least 1.</summary>
    public int TickSeconds { get; set; } = 30;

    /// <summary>
    /// How many steps the daemon runs at once over every run and backfill it starts. Default: none, the number of cores;
    /// at least 1.
    /// </summary>
    public int? Slots { get; set; }

    /// <summary>Whether the daemon runs eager and scheduled automation each tick. Default: <c>true</c>.</summary>
    public bool Automation { get; set; } = true;
}

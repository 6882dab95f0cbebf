namespace Assets.Planning;

/// <summary>Which partitions in the range a plan materializes.</summary>
public enum PlanMode
{
    /// <summary>
    /// The default: partitions that are missing or stale, and those whose last attempt failed, was quarantined or
    /// found its source absent (waiting), so a re-run tries them again. Published partitions are left alone.
    /// </summary>
    MissingOrStale,

    /// <summary>Every partition in the range (<c>--force</c>), published or not.</summary>
    Force,
}

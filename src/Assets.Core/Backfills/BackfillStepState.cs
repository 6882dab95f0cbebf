namespace Assets.Backfills;

/// <summary>Where one (asset, partition) of a backfill is.</summary>
public enum BackfillStepState
{
    /// <summary>Not run yet.</summary>
    Pending,

    /// <summary>A run of the backfill is materializing it.</summary>
    Running,

    /// <summary>Published by this backfill (or by another run since the backfill was requested): never redone.</summary>
    Published,

    /// <summary>Its last attempt failed.</summary>
    Failed,

    /// <summary>A blocking check failed on its staged data; nothing was published.</summary>
    Quarantined,

    /// <summary>Its source had not arrived.</summary>
    Waiting,

    /// <summary>Not run because a step it reads did not publish.</summary>
    Skipped,

    /// <summary>Not run because what it reads is unavailable outside the backfill (the planner's blocked step).</summary>
    Blocked,

    /// <summary>The backfill was cancelled before or while it ran; nothing partial was published.</summary>
    Cancelled,
}

namespace Assets.Backfills;

/// <summary>Where a backfill is (DESIGN's backfill statuses).</summary>
public enum BackfillStatus
{
    /// <summary>Recorded, not started yet.</summary>
    Requested,

    /// <summary>A live process is running it.</summary>
    Running,

    /// <summary>The process that ran it died (killed, crashed, machine lost) before it ended: <c>resume</c> goes on.</summary>
    Interrupted,

    /// <summary>Stopped on request (<c>backfill cancel</c>, Ctrl+C, SIGTERM); in-flight steps were cancelled without partial publishes.</summary>
    Cancelled,

    /// <summary>It ended with some partitions not published (failed, quarantined, waiting, skipped or blocked).</summary>
    Failed,

    /// <summary>It ended with every partition published.</summary>
    Completed,
}

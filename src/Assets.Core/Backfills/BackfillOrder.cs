namespace Assets.Backfills;

/// <summary>Which partitions of a backfill run first, when several are ready.</summary>
public enum BackfillOrder
{
    /// <summary>The newest time windows first, so recent data recovers first (the default).</summary>
    NewestFirst,

    /// <summary>The oldest time windows first.</summary>
    OldestFirst,
}

namespace Assets;

/// <summary>
/// Declares how to observe the source an asset reads (Dagster's observable source, partition by partition): the method
/// says, for one partition, whether its source has arrived and which version it has, without reading it into the asset.
/// It returns <see cref="SourceObservation"/> (or a <c>Task</c>/<c>ValueTask</c> of one) and takes a
/// <see cref="SourceContext"/>, a <see cref="CancellationToken"/> and services, as it needs.
/// <list type="bullet">
/// <item><description>Before each materialization of the asset the executor observes its partition: an absent source makes
/// the partition <c>waiting</c> without calling the body (failed with "source not arrived by ..." once
/// <see cref="LateAfter"/> has passed since the end of its time window); a present one is recorded with the
/// materialization, so that a later observation of another version makes the partition stale.</description></item>
/// <item><description>The daemon observes every partition of every observed asset each tick (and <c>observe</c> does on
/// request), so a source that arrives is picked up by eager automation and a source that changes makes its
/// partitions, and everything downstream, stale.</description></item>
/// </list>
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class SourceObserverAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="asset">The observed asset: its key, or its method name (<c>nameof(RawOrders)</c>).</param>
    public SourceObserverAttribute(string asset) => Asset = asset;

    /// <summary>The observed asset: its key, or its method name.</summary>
    public string Asset { get; }

    /// <summary>
    /// How long after the end of a partition's time window its source may arrive (<c>"6h"</c>, <c>"1d"</c>); after that an
    /// absent source fails the partition with "source not arrived by ...". Default: none (it waits as long as it takes).
    /// Unpartitioned and static partitions have no window, so they wait without a deadline.
    /// </summary>
    public string? LateAfter { get; set; }
}

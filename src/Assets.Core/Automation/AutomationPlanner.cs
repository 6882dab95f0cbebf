using Assets.Graph;
using Assets.Partitions;
using Assets.Planning;
using NodaTime;

namespace Assets.Automation;

/// <summary>
/// Decides what the daemon materializes by itself (see <see cref="AutomationAttribute"/>): the eager plan of a tick,
/// the due ticks of a schedule under its missed-tick policy, and the partitions a schedule's tick materializes. Pure:
/// the caller passes the instant and the stored cursors, runs the plans, and keeps the cursors.
/// </summary>
public static class AutomationPlanner
{
    /// <summary>
    /// The most missed ticks <see cref="MissedTickPolicy.All"/> runs after a downtime, the newest ones; older ones are
    /// skipped (and reported as such), so a per-minute schedule after a month away does not queue 40,000 runs.
    /// </summary>
    public const int MaxCatchUpTicks = 100;

    /// <summary>The assets with eager automation, in topological order.</summary>
    public static IReadOnlyList<AssetDefinition> EagerAssets(AssetGraph graph)
        => Preconditions.CheckNotNull(graph).Assets.Where(a => a.Automation?.Kind == AutomationKind.Eager).ToArray();

    /// <summary>The assets with a schedule, in topological order.</summary>
    public static IReadOnlyList<AssetDefinition> ScheduledAssets(AssetGraph graph)
        => Preconditions.CheckNotNull(graph).Assets.Where(a => a.Automation?.Kind == AutomationKind.Cron).ToArray();

    /// <summary>
    /// The eager plan against <paramref name="grid"/>: every eager asset's missing, stale and waiting partitions whose
    /// inputs are published and up to date (<see cref="PlanMode.Eager"/>); <c>null</c> when no asset is eager.
    /// </summary>
    public static Plan? PlanEager(AssetGraph graph, StatusGrid grid)
    {
        var eager = EagerAssets(graph);
        return eager.Count == 0 ? null : Planner.CreatePlan(graph, Preconditions.CheckNotNull(grid), eager, PartitionRange.All, PlanMode.Eager);
    }

    /// <summary>
    /// The ticks of <paramref name="policy"/>'s schedule due at <paramref name="now"/>, after <paramref name="cursor"/>
    /// (the newest tick handled before). A tick is on time when at most <paramref name="onTime"/> has passed since it
    /// (the daemon's tick interval and some slack); older ones were missed while the daemon was down and follow
    /// <see cref="AutomationPolicy.MissedTicks"/>: <c>all</c> runs every one (at most the newest <see cref="MaxCatchUpTicks"/>), <c>last</c> only the newest, <c>none</c>
    /// none of them (an on-time tick always runs). With no cursor (a schedule seen for the first time) nothing runs and
    /// the cursor starts at <paramref name="now"/>: a new schedule does not replay its history.
    /// </summary>
    public static ScheduledTicks DueTicks(AutomationPolicy policy, Instant? cursor, Instant now, Duration onTime)
    {
        Preconditions.CheckNotNull(policy);
        Preconditions.CheckArgument(policy.Kind == AutomationKind.Cron, "Only a schedule has ticks.", nameof(policy));
        if (cursor is not { } after)
        {
            return new ScheduledTicks([], [], now);
        }

        var pending = policy.TicksBetween(after, now).ToList();
        if (pending.Count == 0)
        {
            return new ScheduledTicks([], [], after);
        }

        var newest = pending[^1];
        var newestOnTime = now - newest <= onTime;
        var run = policy.MissedTicks switch
        {
            MissedTickPolicy.All => pending.Count <= MaxCatchUpTicks ? pending : pending[^MaxCatchUpTicks..],
            MissedTickPolicy.Last => [newest],
            _ => newestOnTime ? [newest] : [],
        };
        return new ScheduledTicks(run, pending.Except(run).ToList(), newest);
    }

    /// <summary>
    /// The partitions a schedule's <paramref name="tick"/> materializes: the newest partition whose time window has ended
    /// by the tick (for time x static partitions, every static key of that window), every partition of a
    /// static-partitioned asset, the asset itself when unpartitioned; <c>null</c> when no partition exists yet at the tick.
    /// </summary>
    public static PartitionRange? PartitionsAt(AssetDefinition asset, Instant tick)
    {
        Preconditions.CheckNotNull(asset);
        switch (asset.Partitions)
        {
            case null or StaticPartitionsDefinition:
                return PartitionRange.All;
            case MultiPartitionsDefinition multi:
            {
                var keys = multi.GetKeys(tick);
                if (keys.Count == 0)
                {
                    return null;
                }

                var newest = multi.Split(keys[^1]).Time;
                return PartitionRange.ForPartitions(keys.Where(k => multi.Split(k).Time == newest).Select(k => k.Value));
            }

            default:
            {
                var keys = asset.Partitions.GetKeys(tick);
                return keys.Count == 0 ? null : PartitionRange.ForPartition(keys[^1].Value);
            }
        }
    }
}

using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using NodaTime;

namespace Assets.Freshness;

/// <summary>
/// Judges assets against their <see cref="FreshnessPolicy"/> at an instant, against what is published now. Every
/// expected partition is judged by its own deadline (never the asset's newest publish alone, so a backfill of an old
/// partition cannot make a late asset look fresh):
/// <list type="bullet">
/// <item><description>A time window partition is expected once its interval has ended. It is due at its end +
/// <see cref="FreshnessPolicy.MaxLag"/>, or at the first <see cref="FreshnessPolicy.Deadline"/> occurrence (in the
/// policy's zone) at or after its end; with both, at the earlier. Unpublished at or past that: overdue. Unpublished
/// at or past end + <see cref="FreshnessPolicy.WarnAfter"/>: warn. For a time x static asset, every static key of
/// each window.</description></item>
/// <item><description>An unpartitioned asset (and each key of a static-partitioned one) is judged by the age of its
/// last publish: older than MaxLag is overdue, older than WarnAfter warns; with a Deadline it must have been published
/// since the occurrence before the latest deadline that has passed.</description></item>
/// <item><description>Unknown when nothing of the asset was ever published.</description></item>
/// </list>
/// A partition counts as published when it has a published version (published, stale, or failed after an earlier
/// publish). Stateless and thread-safe.
/// </summary>
public static class FreshnessEvaluator
{
    /// <summary>The freshness of every asset of <paramref name="graph"/> with a policy, in the graph's order.</summary>
    /// <param name="graph">The assets.</param>
    /// <param name="states">The current partition states (from the metadata store).</param>
    /// <param name="asOf">The instant to judge at (the clock's now, or <c>freshness --as-of</c>).</param>
    public static IReadOnlyList<AssetFreshness> Evaluate(AssetGraph graph, IReadOnlyList<PartitionState> states, Instant asOf)
    {
        Preconditions.CheckNotNull(graph);
        Preconditions.CheckNotNull(states);
        var byAsset = states
            .Where(s => s.DataVersion is not null || s.Status is PartitionStatus.Published or PartitionStatus.Stale)
            .GroupBy(s => s.Partition.Asset)
            .ToDictionary(g => g.Key, g => g.ToDictionary(s => s.Partition.Partition ?? default, s => s.PublishedAt ?? s.UpdatedAt));
        var result = new List<AssetFreshness>();
        foreach (var asset in graph.Assets)
        {
            if (asset.Freshness is { } policy)
            {
                var published = byAsset.GetValueOrDefault(asset.Key) ?? [];
                result.Add(Evaluate(asset, policy, published, asOf));
            }
        }

        return result;
    }

    private static AssetFreshness Evaluate(AssetDefinition asset, FreshnessPolicy policy, Dictionary<PartitionKey, Instant> published, Instant asOf)
    {
        if (published.Count == 0)
        {
            return new AssetFreshness(asset.Key, policy, FreshnessState.Unknown, null, [], [], "never published");
        }

        return asset.Partitions switch
        {
            TimeWindowPartitionsDefinition time => ByWindow(asset, policy, published, asOf, time, [null]),
            MultiPartitionsDefinition multi => ByWindow(asset, policy, published, asOf, multi.Time, multi.Static.Keys.Select(k => (PartitionKey?)k).ToArray(), multi),
            StaticPartitionsDefinition @static => ByAge(asset, policy, @static.Keys.Select(k => (k, published.TryGetValue(k, out var at) ? at : (Instant?)null)).ToList(), asOf),
            _ => ByAge(asset, policy, [(default, published.Values.Max())], asOf),
        };
    }

    private static AssetFreshness ByWindow(
        AssetDefinition asset, FreshnessPolicy policy, Dictionary<PartitionKey, Instant> published, Instant asOf,
        TimeWindowPartitionsDefinition time, IReadOnlyList<PartitionKey?> staticKeys, MultiPartitionsDefinition? multi = null)
    {
        var overdue = new List<PartitionKey>();
        var warned = new List<PartitionKey>();
        Instant? oldestMissingEnd = null;
        var count = time.CountAsOf(asOf);
        for (var i = 0; i < count; i++)
        {
            var window = time.WindowAt(i);
            var end = window.End.ToInstant();
            foreach (var staticKey in staticKeys)
            {
                var key = multi is not null && staticKey is { } s ? multi.Combine(window.Key, s) : window.Key;
                if (published.ContainsKey(key))
                {
                    continue;
                }

                oldestMissingEnd ??= end;
                if (asOf >= DueAt(policy, end))
                {
                    overdue.Add(key);
                }
                else if (policy.WarnAfter is { } warnAfter && asOf >= end + warnAfter)
                {
                    warned.Add(key);
                }
            }
        }

        var lag = oldestMissingEnd is { } oldest ? asOf - oldest : Duration.Zero;
        if (overdue.Count > 0)
        {
            return new AssetFreshness(asset.Key, policy, FreshnessState.Overdue, lag, overdue, warned,
                $"{Count(overdue.Count)} past {(policy.Deadline is null ? "end + " + DurationText.Format(policy.MaxLag!.Value) : "the deadline")} and unpublished: {Name(overdue)}");
        }

        if (warned.Count > 0)
        {
            return new AssetFreshness(asset.Key, policy, FreshnessState.Warn, lag, overdue, warned,
                $"{Count(warned.Count)} past end + {DurationText.Format(policy.WarnAfter!.Value)} and unpublished: {Name(warned)}");
        }

        return new AssetFreshness(asset.Key, policy, FreshnessState.Fresh, lag, [], [],
            oldestMissingEnd is null ? "every partition that has ended is published" : "the unpublished partitions are not due yet");
    }

    private static AssetFreshness ByAge(AssetDefinition asset, FreshnessPolicy policy, IReadOnlyList<(PartitionKey Key, Instant? PublishedAt)> parts, Instant asOf)
    {
        var overdue = new List<PartitionKey>();
        var warned = new List<PartitionKey>();
        Duration? oldestAge = null;
        var deadlineCycleStart = policy.Deadline is null ? (Instant?)null : PreviousCycleStart(policy, asOf);
        foreach (var (key, publishedAt) in parts)
        {
            var age = publishedAt is { } at ? asOf - at : (Duration?)null;
            if (age is { } a && (oldestAge is null || a > oldestAge))
            {
                oldestAge = a;
            }

            var late = publishedAt is null
                || (policy.MaxLag is { } maxLag && age > maxLag)
                || (deadlineCycleStart is { } since && publishedAt <= since);
            if (late)
            {
                overdue.Add(key);
            }
            else if (policy.WarnAfter is { } warnAfter && age > warnAfter)
            {
                warned.Add(key);
            }
        }

        var unpartitioned = asset.Partitions is null;
        var what = unpartitioned ? "the last publish" : "the last publish of " + Name(overdue.Count > 0 ? overdue : warned);
        var ageText = oldestAge is { } o ? DurationText.Format(o) : "unknown";
        return overdue.Count > 0
            ? new AssetFreshness(asset.Key, policy, FreshnessState.Overdue, oldestAge, unpartitioned ? [] : overdue, [], $"{what} is {ageText} old, more than the policy allows ({policy.Describe()})")
            : warned.Count > 0
                ? new AssetFreshness(asset.Key, policy, FreshnessState.Warn, oldestAge, [], unpartitioned ? [] : warned, $"{what} is {ageText} old, past the warn threshold")
                : new AssetFreshness(asset.Key, policy, FreshnessState.Fresh, oldestAge, [], [], $"published {ageText} ago");
    }

    /// <summary>When a window ending at <paramref name="end"/> must be published: end + MaxLag, the first deadline at or after the end, or the earlier of both.</summary>
    internal static Instant DueAt(FreshnessPolicy policy, Instant end)
    {
        Instant? due = policy.MaxLag is { } maxLag ? end + maxLag : null;
        if (policy.DeadlineCron is { } cron
            && cron.GetNextOccurrence(end.ToDateTimeOffset(), ZoneInfo(policy), inclusive: true) is { } next)
        {
            var deadline = Instant.FromDateTimeOffset(next);
            due = due is { } d && d < deadline ? d : deadline;
        }

        return due ?? Instant.MaxValue;
    }

    /// <summary>For an unpartitioned asset with a deadline: the occurrence before the latest one that has passed (a publish must come after it).</summary>
    private static Instant? PreviousCycleStart(FreshnessPolicy policy, Instant asOf)
    {
        var cron = policy.DeadlineCron!;
        var zone = ZoneInfo(policy);

        // Cron has no "previous occurrence": look back over a window that doubles until it holds two occurrences.
        var to = asOf.ToDateTimeOffset();
        for (var window = TimeSpan.FromHours(1); window <= TimeSpan.FromDays(800); window *= 2)
        {
            var occurrences = cron.GetOccurrences(to - window, to, zone, fromInclusive: true, toInclusive: true).TakeLast(2).ToList();
            if (occurrences.Count == 2)
            {
                return Instant.FromDateTimeOffset(occurrences[0]);
            }
        }

        return null;
    }

    private static TimeZoneInfo ZoneInfo(FreshnessPolicy policy) => CronText.ToTimeZoneInfo(policy.Zone);

    private static string Count(int partitions) => partitions == 1 ? "1 partition" : $"{partitions} partitions";

    private static string Name(List<PartitionKey> keys)
        => keys.Count <= 5 ? string.Join(", ", keys) : string.Join(", ", keys.Take(5)) + $" and {keys.Count - 5} more";
}

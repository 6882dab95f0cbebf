using Assets.Metadata;
using Assets.Planning;
using Assets.Hosting.Rendering;

namespace Assets.Hosting.Web;

/// <summary>
/// A run of consecutive partitions of one asset with the same status: the unit the health bar is drawn from, so the
/// browser gets one element per change of status, never one per partition (3,650 days of one status are one range).
/// </summary>
/// <param name="First">The position of the first partition in the asset's partition order.</param>
/// <param name="Last">The position of the last partition, inclusive.</param>
/// <param name="Status">Their status; for a bucket (<see cref="StatusRanges.Bucket"/>) the worst status in it.</param>
/// <param name="FirstKey">The first partition's key (null for an unpartitioned asset).</param>
/// <param name="LastKey">The last partition's key.</param>
/// <param name="Mixed">Whether the partitions in it have different statuses (a bucket).</param>
internal sealed record StatusRange(int First, int Last, PartitionStatus Status, string? FirstKey, string? LastKey, bool Mixed = false)
{
    public int Count => Last - First + 1;

    /// <summary><c>2026-01-01..2026-01-04 published (4)</c>.</summary>
    public string Describe()
    {
        var keys = FirstKey is null ? string.Empty : (Count == 1 ? FirstKey : $"{FirstKey}..{LastKey}") + " ";
        return keys + (Mixed ? "worst " : string.Empty) + StatusStyle.Name(Status) + (Count > 1 ? $" ({Count})" : string.Empty);
    }
}

/// <summary>Run-length ranges of statuses, computed on the server from the status grid.</summary>
internal static class StatusRanges
{
    /// <summary>The runs of equal status of <paramref name="rows"/>, in partition order.</summary>
    public static IReadOnlyList<StatusRange> Of(IReadOnlyList<PartitionStatusRow> rows)
    {
        var ranges = new List<StatusRange>();
        var start = 0;
        for (var i = 1; i <= rows.Count; i++)
        {
            if (i == rows.Count || rows[i].Status != rows[start].Status)
            {
                ranges.Add(new StatusRange(start, i - 1, rows[start].Status, rows[start].Partition.Partition?.Value, rows[i - 1].Partition.Partition?.Value));
                start = i;
            }
        }

        return ranges;
    }

    /// <summary>
    /// At most <paramref name="buckets"/> ranges: the exact runs when there are that few, else equal buckets of partitions,
    /// each with the worst status in it (a failed day among 3,650 published ones stays visible).
    /// </summary>
    public static IReadOnlyList<StatusRange> Bucket(IReadOnlyList<PartitionStatusRow> rows, int buckets)
    {
        var exact = Of(rows);
        if (exact.Count <= buckets)
        {
            return exact;
        }

        var result = new List<StatusRange>(buckets);
        for (var b = 0; b < buckets; b++)
        {
            var (from, to) = StatusStyle.BucketBounds(rows.Count, buckets, b);
            var (worst, mixed) = StatusStyle.WorstIn(rows, from, to, r => r.Status);
            result.Add(new StatusRange(from, to, worst, rows[from].Partition.Partition?.Value, rows[to].Partition.Partition?.Value, mixed));
        }

        return result;
    }

    /// <summary>How many partitions have each status, in the order of <see cref="StatusStyle.Order"/>, zeros left out.</summary>
    public static IReadOnlyList<(PartitionStatus Status, int Count)> Counts(IEnumerable<PartitionStatusRow> rows)
    {
        var counts = new int[Enum.GetValues<PartitionStatus>().Length];
        foreach (var row in rows)
        {
            counts[(int)row.Status]++;
        }

        return [.. StatusStyle.Order.Where(s => counts[(int)s] > 0).Select(s => (s, counts[(int)s]))];
    }
}

using Assets.Metadata;

namespace Assets.Hosting.Rendering;

/// <summary>How each status is named and ranks, in the terminal grid and the web UI alike.</summary>
internal static class StatusStyle
{
    /// <summary>The statuses from worst to best, the order counts are listed in.</summary>
    public static IReadOnlyList<PartitionStatus> Order { get; } =
        [PartitionStatus.Failed, PartitionStatus.Quarantined, PartitionStatus.Missing, PartitionStatus.Stale, PartitionStatus.Waiting, PartitionStatus.Running, PartitionStatus.Published];

    /// <summary>The status as commands, JSON and pages write it.</summary>
    public static string Name(PartitionStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>How bad a status is: a range of several shows its worst.</summary>
    public static int Severity(PartitionStatus status) => status switch
    {
        PartitionStatus.Published => 0,
        PartitionStatus.Running => 1,
        PartitionStatus.Waiting => 2,
        PartitionStatus.Stale => 3,
        PartitionStatus.Missing => 4,
        PartitionStatus.Quarantined => 5,
        _ => 6,
    };

    /// <summary>The worst status of <paramref name="statuses"/>, or missing when there are none.</summary>
    public static PartitionStatus Worst(IEnumerable<PartitionStatus> statuses)
        => statuses.DefaultIfEmpty(PartitionStatus.Missing).MaxBy(Severity);

    /// <summary>
    /// The first and last index (inclusive) of bucket <paramref name="bucket"/> when <paramref name="count"/> partitions
    /// in order are cut into <paramref name="buckets"/> buckets of equal size (within one).
    /// </summary>
    public static (int First, int Last) BucketBounds(int count, int buckets, int bucket)
        => ((int)((long)bucket * count / buckets), (int)((long)(bucket + 1) * count / buckets) - 1);

    /// <summary>The worst status among <paramref name="items"/>[<paramref name="first"/>..<paramref name="last"/>], and whether they differ.</summary>
    public static (PartitionStatus Worst, bool Mixed) WorstIn<T>(IReadOnlyList<T> items, int first, int last, Func<T, PartitionStatus> status)
    {
        var head = status(items[first]);
        var worst = head;
        var mixed = false;
        for (var i = first + 1; i <= last; i++)
        {
            var current = status(items[i]);
            mixed |= current != head;
            if (Severity(current) > Severity(worst))
            {
                worst = current;
            }
        }

        return (worst, mixed);
    }
}

using Assets.Partitions;

namespace Assets.Planning;

/// <summary>
/// The partitions a plan covers, as the user wrote them (each selected asset reads the text with its own definition):
/// <list type="bullet">
/// <item><description><see cref="All"/>: every partition that exists.</description></item>
/// <item><description><see cref="Between"/> (<c>--from A --to B</c>, inclusive, either end open): for each time-partitioned
/// asset (the time dimension of a two-dimensional one, with every static key of those windows), the partitions whose
/// intervals lie in the range, in that asset's own zone and cadence. An end is a key of the asset's own form (that
/// partition is the first or the last), or else a date (<c>2026-03-08</c>, the day in the asset's zone), a local date and
/// time or an instant; so <c>--from 2026-03-08 --to 2026-03-08</c> picks that day of a daily asset, its 23 to 25 hours
/// of an hourly one, and no week or month. Static-partitioned and unpartitioned assets are planned whole. Windows
/// after the last that exists are left out.</description></item>
/// <item><description><see cref="ForPartition"/> (<c>--partition P</c>) and <see cref="ForPartitions"/>: each key must be a
/// partition of at least one selected asset, or the request fails listing what each takes. P is picked in every asset
/// that has it (a two-dimensional asset also takes a key of its time dimension, meaning every static key of that
/// window, or of its static dimension, meaning that key in every window); static-partitioned and unpartitioned assets
/// that do not have it are planned whole, as for a time range (they aggregate the partitions named); a
/// time-partitioned asset that does not have it is an error naming its key form.</description></item>
/// </list>
/// Immutable.
/// </summary>
public sealed record PartitionRange
{
    private PartitionRange(string? partition, string? from, string? to, IReadOnlyList<string>? partitions = null)
    {
        Partition = partition;
        From = from;
        To = to;
        Partitions = partitions;
    }

    /// <summary>Every partition that exists.</summary>
    public static PartitionRange All { get; } = new(null, null, null);

    /// <summary>The partition key texts of a selective range (<see cref="ForPartitions"/>), or <c>null</c>.</summary>
    public IReadOnlyList<string>? Partitions { get; }

    /// <summary>The single partition key text, or <c>null</c>.</summary>
    public string? Partition { get; }

    /// <summary>The first time key of the range (inclusive), or <c>null</c> for no lower bound.</summary>
    public string? From { get; }

    /// <summary>The last time key of the range (inclusive), or <c>null</c> for no upper bound.</summary>
    public string? To { get; }

    /// <summary>Whether this is <see cref="All"/>.</summary>
    public bool IsAll => Partition is null && From is null && To is null && Partitions is null;

    /// <summary>One partition, as key text (<c>2026-01-05</c>, <c>eu</c>, <c>2026-01-05|eu</c>).</summary>
    /// <exception cref="PartitionKeyException">The key is empty or blank.</exception>
    public static PartitionRange ForPartition(string partition) => new(CheckKey(partition), null, null);

    /// <summary>
    /// Several partitions, as key texts, each picked as <see cref="ForPartition"/> picks it; duplicates are dropped and
    /// the order does not matter. One key is the same as <see cref="ForPartition"/>.
    /// </summary>
    /// <exception cref="PartitionKeyException">No key, or an empty or blank one.</exception>
    public static PartitionRange ForPartitions(IEnumerable<string> partitions)
    {
        var keys = Preconditions.CheckNotNull(partitions).Select(k => CheckKey(k).Trim()).Distinct(StringComparer.Ordinal).ToArray();
        if (keys.Length == 0)
        {
            throw new PartitionKeyException("No partition is named: give at least one key, such as 2026-01-05 or eu.");
        }

        return keys.Length == 1 ? ForPartition(keys[0]) : new(null, null, null, keys);
    }

    // A key is user input (--partition, --partitions, the daemon's API): blank is a usage error in plain words.
    private static string CheckKey(string? key)
        => string.IsNullOrWhiteSpace(key) ? throw new PartitionKeyException("A partition key is empty: give one, such as 2026-01-05 or eu (list shows each asset's partitions).") : key;

    /// <summary>The time windows from <paramref name="from"/> to <paramref name="to"/>, inclusive; <c>null</c> leaves that end open.</summary>
    public static PartitionRange Between(string? from, string? to)
        => new(null, string.IsNullOrWhiteSpace(from) ? null : from, string.IsNullOrWhiteSpace(to) ? null : to);

    /// <summary><c>all partitions</c>, <c>partition 2026-01-05</c>, <c>from 2026-01-01 to 2026-01-31</c>.</summary>
    public override string ToString()
        => Partition is { } single ? $"partition {single}"
            : Partitions is { } several ? $"partitions {string.Join(", ", several)}"
            : IsAll ? "all partitions"
            : $"from {From ?? "the first partition"} to {To ?? "the last partition"}";
}

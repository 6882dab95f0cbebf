namespace Assets.Planning;

/// <summary>
/// The partitions a plan covers, as the user wrote them (each asset parses the text with its own definition):
/// <list type="bullet">
/// <item><description><see cref="All"/>: every partition that exists.</description></item>
/// <item><description><see cref="Between"/> (<c>--from A --to B</c>, inclusive, either end open): the time windows from
/// A to B of each time-partitioned asset, or of the time dimension of a two-dimensional one (every static key of
/// those windows). Static-partitioned and unpartitioned assets are planned whole. Windows after the last that
/// exists are left out.</description></item>
/// <item><description><see cref="ForPartition"/> (<c>--partition P</c>): P for every asset whose definition accepts it; a
/// two-dimensional asset also accepts a key of its time dimension (every static key of that window) or of its
/// static dimension (that key in every window). Static-partitioned assets that do not accept P and unpartitioned
/// assets are planned whole, like for a time range; a time-partitioned asset that does not accept P is an
/// error.</description></item>
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
    public static PartitionRange ForPartition(string partition) => new(Preconditions.CheckNotBlank(partition), null, null);

    /// <summary>
    /// Several partitions, as key texts, each picked as <see cref="ForPartition"/> picks it; duplicates are dropped and
    /// the order does not matter. One key is the same as <see cref="ForPartition"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No key, or a blank one.</exception>
    public static PartitionRange ForPartitions(IEnumerable<string> partitions)
    {
        var keys = Preconditions.CheckNotNull(partitions).Select(k => Preconditions.CheckNotBlank(k, nameof(partitions)).Trim()).Distinct(StringComparer.Ordinal).ToArray();
        Preconditions.CheckArgument(keys.Length > 0, "Name at least one partition.", nameof(partitions));
        return keys.Length == 1 ? ForPartition(keys[0]) : new(null, null, null, keys);
    }

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

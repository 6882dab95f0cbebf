using Assets.Metadata;
using Assets.Partitions;
using NodaTime;

namespace Assets.Storage.Metadata;

/// <summary>
/// How values are written in the DuckDB metadata store's columns:
/// <list type="bullet">
/// <item>an unpartitioned asset's partition is the empty string, which no real partition key can be, so
/// (asset, partition) is a proper primary key (DuckDB keys cannot hold NULL);</item>
/// <item>instants are BIGINT counts of 100 ns ticks since the Unix epoch (no time-zone conversions; finer
/// parts are truncated); in SQL, <c>make_timestamp(updated_at // 10)</c> shows one;</item>
/// <item>a partition status is a UTINYINT code (see <see cref="StatusCode"/>): the status grid reads hundreds
/// of thousands of them, and a byte costs neither an allocation nor a parse per row.</item>
/// </list>
/// </summary>
internal static class StoredForm
{
    /// <summary>The partition column's value for an unpartitioned asset.</summary>
    public const string Unpartitioned = "";

    public static string Partition(PartitionKey? key) => key is { } k ? k.Value : Unpartitioned;

    public static PartitionKey? Partition(string text) => text.Length == 0 ? null : new PartitionKey(text);

    public static long Ticks(Instant instant) => instant.ToUnixTimeTicks();

    public static long? Ticks(Instant? instant) => instant?.ToUnixTimeTicks();

    public static Instant Instant(long ticks) => NodaTime.Instant.FromUnixTimeTicks(ticks);

    /// <summary>
    /// The <c>materialization_key</c> column's value: the id's 32 hex digits as a UUID (the id is one, version 7), which
    /// DuckDB joins on as a 16-byte number where the text is a 32-byte string compared byte by byte.
    /// </summary>
    public static Guid? MaterializationKey(MaterializationId? id) => id is { } i ? Guid.ParseExact(i.Value, "N") : null;

    /// <summary>
    /// The persisted code of a status. Codes are part of the file format: never renumber, only add.
    /// 0 missing, 1 running, 2 published, 3 stale, 4 waiting, 5 failed, 6 quarantined.
    /// </summary>
    public static byte StatusCode(PartitionStatus status) => status switch
    {
        PartitionStatus.Missing => 0,
        PartitionStatus.Running => 1,
        PartitionStatus.Published => 2,
        PartitionStatus.Stale => 3,
        PartitionStatus.Waiting => 4,
        PartitionStatus.Failed => 5,
        PartitionStatus.Quarantined => 6,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown partition status."),
    };

    public static PartitionStatus Status(byte code) => code switch
    {
        0 => PartitionStatus.Missing,
        1 => PartitionStatus.Running,
        2 => PartitionStatus.Published,
        3 => PartitionStatus.Stale,
        4 => PartitionStatus.Waiting,
        5 => PartitionStatus.Failed,
        6 => PartitionStatus.Quarantined,
        _ => throw new InvalidDataException($"The metadata store holds partition status code {code}, which this version of Assets does not know: upgrade Assets."),
    };
}

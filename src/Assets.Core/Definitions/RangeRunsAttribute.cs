namespace Assets;

/// <summary>
/// Declares that a time-partitioned asset can materialize a range of consecutive partitions in one call of its body
/// (a backfill's single-run ranges, <c>backfill start --max-partitions-per-run N</c>): the body's
/// <see cref="AssetContext.KeyRange"/> then covers the whole range, its
/// upstream parameters hold the rows of every upstream partition the range reads, and the rows it returns are split
/// by <see cref="PartitionBy"/> into one atomic publish per partition, each with its own pointer.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class RangeRunsAttribute : Attribute
{
    /// <summary>
    /// The name of the record property whose value says which partition a row belongs to, of a type Parquet stores:
    /// a <c>DateOnly</c> (the window that holds that day's start in the asset's zone), a <c>DateTime</c> in UTC (the
    /// window that holds that instant), or a <c>string</c> (the partition key itself). Required.
    /// </summary>
    public string PartitionBy { get; set; } = string.Empty;

    /// <summary>At most this many partitions per call of the body, whatever the backfill asks; default 31.</summary>
    public int MaxPartitions { get; set; } = 31;
}

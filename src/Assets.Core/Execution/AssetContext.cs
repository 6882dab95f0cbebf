using Assets.Partitions;
using Microsoft.Extensions.Logging;

namespace Assets;

/// <summary>
/// What an asset body knows about the materialization it is part of: which partition, its logical
/// time window (never the wall clock, so a backfill of an old day computes that day), the run and
/// attempt, a scoped logger, metadata to attach, and typed access to the upstream partitions its
/// mappings name. One context serves one attempt of one (asset, partition); the executor creates it.
/// </summary>
public abstract class AssetContext
{
    /// <summary>The asset being materialized.</summary>
    public abstract AssetKey Asset { get; }

    /// <summary>The partition being materialized; <c>null</c> for an unpartitioned asset.</summary>
    public abstract PartitionKey? Partition { get; }

    /// <summary>
    /// The partition's time window, half-open [start, end) in the definition's time zone; <c>null</c>
    /// unless the asset is time-partitioned (for a time x static asset: its time dimension).
    /// </summary>
    public abstract PartitionTimeWindow? TimeWindow { get; }

    /// <summary>
    /// The partition's key as text, as Dagster's <c>context.partition_key</c>: <c>2026-01-05</c>, or
    /// <c>2026-01-05|eu</c> for a time x static asset (whose pieces are <see cref="TimeWindow"/> and <see cref="StaticKey"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The asset is not partitioned.</exception>
    public string PartitionValue => Partition is { } key
        ? key.Value
        : throw new InvalidOperationException($"{Asset} is not partitioned, so it has no partition key: read PartitionValue only in a partitioned asset (or test Partition for null).");

    /// <summary>
    /// The static key of the partition: for a time x static asset its static dimension (<c>eu</c> of <c>2026-01-05|eu</c>,
    /// without splitting <see cref="PartitionValue"/>), for a statically partitioned asset the key itself; <c>null</c> for
    /// time-partitioned and unpartitioned assets. The time dimension of a time x static key is <see cref="TimeWindow"/>.
    /// </summary>
    public virtual string? StaticKey => null;

    /// <summary>
    /// Every partition this call of the body materializes, with their combined interval: for a range run of an asset
    /// with <see cref="RangeRunsAttribute"/>, the consecutive partitions of the range (then <see cref="Partition"/> and
    /// <see cref="TimeWindow"/> are the range's first); otherwise just <see cref="Partition"/>. <c>null</c> for an
    /// unpartitioned asset. A range-capable body reads this, never <see cref="Partition"/> alone.
    /// </summary>
    public virtual PartitionKeyRange? KeyRange => Partition is { } key ? new PartitionKeyRange([key], TimeWindow?.Interval) : null;

    /// <summary>The run this materialization belongs to.</summary>
    public abstract RunId RunId { get; }

    /// <summary>The attempt number, 1 for the first.</summary>
    public abstract int Attempt { get; }

    /// <summary>A logger whose scope carries the asset, partition, run and attempt.</summary>
    public abstract ILogger Logger { get; }

    /// <summary>Attaches a fact to the materialization's manifest (strings, numbers, booleans).</summary>
    public abstract void AddMetadata(string key, object? value);

    /// <summary>
    /// The partitions of <paramref name="upstreamAsset"/> this materialization reads, through its mapping. The upstream
    /// is named by its key (<c>"clean_orders"</c>) or by the name of its method (<c>nameof(CleanOrders)</c>).
    /// </summary>
    public abstract IReadOnlyList<PartitionKey?> GetUpstreamPartitions(string upstreamAsset);

    /// <summary>
    /// Streams the rows of every upstream partition this materialization reads from
    /// <paramref name="upstreamAsset"/> (its key or <c>nameof</c> its method), partition by partition in upstream order.
    /// </summary>
    public abstract IAsyncEnumerable<T> LoadUpstreamAsync<T>(string upstreamAsset, CancellationToken cancellationToken = default);
}

using System.Globalization;
using Assets.Partitions;
using NodaTime;

namespace Assets.Mappings;

/// <summary>
/// A downstream partition reads a window of upstream partitions relative to its own time:
/// take the upstream partitions overlapping the downstream partition's interval (across cadences: a
/// day over an hourly upstream reads that day's 23, 24 or 25 hours), then move the first by
/// <see cref="StartOffset"/> and the last by <see cref="EndOffset"/> upstream partitions.
/// <c>(0, 0)</c> reads the overlapping partitions, <c>(-6, 0)</c> a rolling seven days, <c>(-1, -1)</c>
/// "yesterday". Upstream partitions before the upstream's start or after its end are left out (a
/// seven-day window on the second day reads two days; "yesterday" of the first day reads nothing).
/// When a side is two-dimensional the window applies to its time dimension: a multi downstream over a
/// time upstream ignores its static key, a time downstream over a multi upstream reads every static
/// key, and two multi sides (with equal static dimensions) keep the static key.
/// Immutable; equal when the offsets are equal.
/// </summary>
public sealed class TimeWindowPartitionMapping : PartitionMapping
{
    /// <summary>Creates the mapping; throws <see cref="DefinitionException"/> when <paramref name="startOffset"/> is after <paramref name="endOffset"/>.</summary>
    public TimeWindowPartitionMapping(int startOffset, int endOffset)
    {
        if (startOffset > endOffset)
        {
            throw new DefinitionException(string.Create(
                CultureInfo.InvariantCulture,
                $"[Window({startOffset}, {endOffset})]: the start offset {startOffset} is after the end offset {endOffset}; write the earlier offset first: [Window({endOffset}, {startOffset})]."));
        }

        StartOffset = startOffset;
        EndOffset = endOffset;
    }

    /// <summary>How many upstream partitions the first one read is moved (negative: earlier).</summary>
    public int StartOffset { get; }

    /// <summary>How many upstream partitions the last one read is moved (negative: earlier).</summary>
    public int EndOffset { get; }

    /// <inheritdoc />
    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"window({StartOffset}, {EndOffset})");

    /// <inheritdoc />
    public override string? Validate(PartitionsDefinition? downstream, PartitionsDefinition? upstream)
    {
        if (TimeRelation.Of(downstream, upstream) is not null)
        {
            return null;
        }

        var attribute = string.Create(CultureInfo.InvariantCulture, $"[Window({StartOffset}, {EndOffset})]");
        if (downstream is null)
        {
            return $"{attribute} needs a time-partitioned downstream, but this asset is unpartitioned: "
                + "use [AllPartitions] to read every upstream partition or [LastPartition] to read the newest one";
        }

        if (PartitionSpaces.TimeOf(downstream) is null || PartitionSpaces.TimeOf(upstream) is null)
        {
            return $"{attribute} needs time partitions on both sides, but {PartitionSpaces.Label(downstream)} reads {PartitionSpaces.Label(upstream)}: "
                + "remove it, or use [AllPartitions] or [LastPartition]";
        }

        return $"{attribute} keeps the static key, but {PartitionSpaces.Label(downstream)} and {PartitionSpaces.Label(upstream)} have different static keys: "
            + "make the static lists equal, or use [AllPartitions] or [LastPartition]";
    }

    /// <inheritdoc />
    public override MappedPartitions GetUpstream(PartitionKey? downstreamKey, PartitionsDefinition? downstream, PartitionsDefinition? upstream, Instant asOf)
    {
        var relation = RelationOrThrow(downstream, upstream);
        var key = PartitionSpaces.Check(downstream, downstreamKey, "downstream")!.Value;
        var (d, u) = (relation.DownstreamTime, relation.UpstreamTime);
        return relation.ReadUpstream(
            key,
            i => (u.RawIndexContaining(d.RawStart(i)) + StartOffset, u.RawIndexContaining(d.RawStart(i + 1) - Duration.Epsilon) + EndOffset),
            clip: true);
    }

    /// <inheritdoc />
    public override IReadOnlyList<PartitionKey?> GetDownstream(PartitionKey? upstreamKey, PartitionsDefinition? downstream, PartitionsDefinition? upstream, Instant asOf)
    {
        var relation = RelationOrThrow(downstream, upstream);
        var key = PartitionSpaces.Check(upstream, upstreamKey, "upstream")!.Value;
        var (d, u) = (relation.DownstreamTime, relation.UpstreamTime);

        // Downstream i reads upstream j when first(i) + StartOffset <= j <= last(i) + EndOffset, where first
        // and last (the overlapping upstream windows) only grow with i: so the readers of j are the downstream
        // windows that end after upstream window j - EndOffset starts and start before window j - StartOffset ends.
        return relation.FindDownstream(
            key,
            j => (d.RawIndexContaining(u.RawStart(j - EndOffset)), d.RawIndexContaining(u.RawStart(j - StartOffset + 1) - Duration.Epsilon)),
            asOf);
    }

    /// <inheritdoc />
    public override bool Equals(PartitionMapping? other)
        => other is TimeWindowPartitionMapping that && StartOffset == that.StartOffset && EndOffset == that.EndOffset;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(StartOffset, EndOffset);

    private TimeRelation RelationOrThrow(PartitionsDefinition? downstream, PartitionsDefinition? upstream)
        => TimeRelation.Of(downstream, upstream) ?? throw new InvalidOperationException(Validate(downstream, upstream));
}

using Assets.Partitions;
using NodaTime;

namespace Assets.Mappings;

/// <summary>
/// The default mapping: a downstream partition reads the upstream partition with the same key. It
/// connects:
/// <list type="bullet">
/// <item><description>any downstream to an unpartitioned upstream (every partition reads its single partition);</description></item>
/// <item><description>equal definitions;</description></item>
/// <item><description>time definitions that cut the same windows (same cadence, zone and first day of the week) but
/// start or end differently: a downstream window outside the upstream's range is reported in
/// <see cref="MappedPartitions.OutsideUpstreamRange"/>;</description></item>
/// <item><description>a multi downstream and an upstream equal to its time dimension (with the same windows) or to its
/// static dimension, reading the matching part of the key;</description></item>
/// <item><description>a time downstream and a multi upstream whose time dimension has the same windows, reading every
/// static key of that window.</description></item>
/// </list>
/// Anything else is a mismatch that needs an explicit mapping.
/// </summary>
public sealed class IdentityPartitionMapping : PartitionMapping
{
    /// <summary>Creates the mapping; <see cref="PartitionMapping.Identity"/> is the shared instance.</summary>
    public IdentityPartitionMapping()
    {
    }

    /// <inheritdoc />
    public override string Describe() => "identity";

    /// <inheritdoc />
    public override string? Validate(PartitionsDefinition? downstream, PartitionsDefinition? upstream)
    {
        if (upstream is null || Equals(downstream, upstream) || DownstreamReadsStaticDimension(downstream, upstream) || SameWindows(downstream, upstream) is not null)
        {
            return null;
        }

        if (downstream is null)
        {
            return $"an unpartitioned asset cannot read {PartitionSpaces.Label(upstream)} partition by partition: "
                + "add [AllPartitions] to read every partition or [LastPartition] to read the newest one";
        }

        var mismatch = $"{PartitionSpaces.Label(downstream)} cannot read {PartitionSpaces.Label(upstream)} partition by partition: ";
        if (TimeRelation.Of(downstream, upstream) is not null)
        {
            return mismatch + "add [Window(0, 0)] to read the overlapping partitions, [AllPartitions], or [LastPartition]";
        }

        if (downstream is StaticPartitionsDefinition && upstream is StaticPartitionsDefinition)
        {
            return mismatch + "make both lists equal, or add [StaticMapping(\"upstream_key -> downstream_key\", ...)] to say which upstream key feeds which downstream key, [AllPartitions], or [LastPartition]";
        }

        return mismatch + "add [AllPartitions] or [LastPartition]";
    }

    /// <inheritdoc />
    public override MappedPartitions GetUpstream(PartitionKey? downstreamKey, PartitionsDefinition? downstream, PartitionsDefinition? upstream, Instant asOf)
    {
        ThrowIfInvalid(downstream, upstream);
        var key = PartitionSpaces.Check(downstream, downstreamKey, "downstream");
        if (upstream is null)
        {
            return MappedPartitions.Unpartitioned;
        }

        if (upstream.Equals(downstream))
        {
            return MappedPartitions.Of([key!.Value]);
        }

        if (DownstreamReadsStaticDimension(downstream, upstream))
        {
            return MappedPartitions.Of([((MultiPartitionsDefinition)downstream!).Split(key!.Value).Static]);
        }

        var relation = SameWindows(downstream, upstream)!;
        return relation.ReadUpstream(key!.Value, i => Aligned(relation.DownstreamTime, i, relation.UpstreamTime), clip: false);
    }

    /// <inheritdoc />
    public override IReadOnlyList<PartitionKey?> GetDownstream(PartitionKey? upstreamKey, PartitionsDefinition? downstream, PartitionsDefinition? upstream, Instant asOf)
    {
        ThrowIfInvalid(downstream, upstream);
        var key = PartitionSpaces.Check(upstream, upstreamKey, "upstream");
        if (upstream is null)
        {
            return PartitionSpaces.ExistingKeys(downstream, asOf);
        }

        if (upstream.Equals(downstream))
        {
            return PartitionSpaces.Exists(downstream, key, asOf) ? [key] : [];
        }

        if (DownstreamReadsStaticDimension(downstream, upstream))
        {
            var multi = (MultiPartitionsDefinition)downstream!;
            return multi.Time.GetKeys(asOf).Select(t => (PartitionKey?)multi.Combine(t, key!.Value)).ToArray();
        }

        var relation = SameWindows(downstream, upstream)!;
        return relation.FindDownstream(key!.Value, j => Aligned(relation.UpstreamTime, j, relation.DownstreamTime), asOf);
    }

    /// <inheritdoc />
    public override bool Equals(PartitionMapping? other) => other is IdentityPartitionMapping;

    /// <inheritdoc />
    public override int GetHashCode() => nameof(IdentityPartitionMapping).GetHashCode(StringComparison.Ordinal);

    /// <summary>The window of <paramref name="to"/> that is the same as window <paramref name="index"/> of <paramref name="from"/>.</summary>
    private static (long, long) Aligned(TimeWindowPartitionsDefinition from, long index, TimeWindowPartitionsDefinition to)
    {
        var j = to.RawIndexContaining(from.RawStart(index));
        return (j, j);
    }

    private static bool DownstreamReadsStaticDimension(PartitionsDefinition? downstream, PartitionsDefinition? upstream)
        => downstream is MultiPartitionsDefinition multi && upstream is StaticPartitionsDefinition @static && multi.Static.Equals(@static);

    private static TimeRelation? SameWindows(PartitionsDefinition? downstream, PartitionsDefinition? upstream)
        => TimeRelation.Of(downstream, upstream) is { } relation && relation.DownstreamTime.HasSameWindowsAs(relation.UpstreamTime) ? relation : null;

    private void ThrowIfInvalid(PartitionsDefinition? downstream, PartitionsDefinition? upstream)
    {
        if (Validate(downstream, upstream) is { } error)
        {
            throw new InvalidOperationException(error);
        }
    }
}

using Assets.Partitions;
using NodaTime;

namespace Assets.Mappings;

/// <summary>
/// Every downstream partition reads the newest upstream partition that exists at the time asked
/// (<c>asOf</c>): the last existing time window, the last static key, or for a two-dimensional upstream
/// the last existing time window with every static key. Reads nothing while no upstream partition
/// exists, and the single partition of an unpartitioned upstream. Valid between any two definitions.
/// Immutable; all instances are equal.
/// </summary>
public sealed class LastPartitionMapping : PartitionMapping
{
    /// <summary>Creates the mapping; <see cref="PartitionMapping.LastPartition"/> is the shared instance.</summary>
    public LastPartitionMapping()
    {
    }

    /// <inheritdoc />
    public override string Describe() => "last partition";

    /// <inheritdoc />
    public override string? Validate(PartitionsDefinition? downstream, PartitionsDefinition? upstream) => null;

    /// <inheritdoc />
    public override MappedPartitions GetUpstream(PartitionKey? downstreamKey, PartitionsDefinition? downstream, PartitionsDefinition? upstream, Instant asOf)
    {
        PartitionSpaces.Check(downstream, downstreamKey, "downstream");
        return upstream is null ? MappedPartitions.Unpartitioned : MappedPartitions.Of(LastKeys(upstream, asOf));
    }

    /// <summary>Every downstream partition that exists at <paramref name="asOf"/> when <paramref name="upstreamKey"/> is (one of) the last; otherwise none.</summary>
    /// <inheritdoc />
    public override IReadOnlyList<PartitionKey?> GetDownstream(PartitionKey? upstreamKey, PartitionsDefinition? downstream, PartitionsDefinition? upstream, Instant asOf)
    {
        PartitionSpaces.Check(upstream, upstreamKey, "upstream");
        var isLast = upstream is null || LastKeys(upstream, asOf).Contains(upstreamKey!.Value);
        return isLast ? PartitionSpaces.ExistingKeys(downstream, asOf) : [];
    }

    /// <inheritdoc />
    public override bool Equals(PartitionMapping? other) => other is LastPartitionMapping;

    /// <inheritdoc />
    public override int GetHashCode() => nameof(LastPartitionMapping).GetHashCode(StringComparison.Ordinal);

    private static PartitionKey[] LastKeys(PartitionsDefinition upstream, Instant asOf)
    {
        if (upstream is MultiPartitionsDefinition multi)
        {
            var count = multi.Time.CountAsOf(asOf);
            return count == 0 ? [] : multi.Static.Keys.Select(s => multi.Combine(multi.Time.KeyAt(count - 1), s)).ToArray();
        }

        var keys = upstream.GetKeys(asOf);
        return keys.Count == 0 ? [] : [keys[^1]];
    }
}

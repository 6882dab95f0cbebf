using Assets.Partitions;
using NodaTime;

namespace Assets.Mappings;

/// <summary>
/// Every downstream partition reads every upstream partition that exists at the time asked
/// (<c>asOf</c>), or the single partition of an unpartitioned upstream. Valid between any two
/// definitions. Immutable; all instances are equal.
/// </summary>
public sealed class AllPartitionsMapping : PartitionMapping
{
    /// <summary>Creates the mapping; <see cref="PartitionMapping.AllPartitions"/> is the shared instance.</summary>
    public AllPartitionsMapping()
    {
    }

    /// <inheritdoc />
    public override string Describe() => "all partitions";

    /// <inheritdoc />
    public override string? Validate(PartitionsDefinition? downstream, PartitionsDefinition? upstream) => null;

    /// <inheritdoc />
    public override MappedPartitions GetUpstream(PartitionKey? downstreamKey, PartitionsDefinition? downstream, PartitionsDefinition? upstream, Instant asOf)
    {
        PartitionSpaces.Check(downstream, downstreamKey, "downstream");
        return upstream is null ? MappedPartitions.Unpartitioned : MappedPartitions.Of(upstream.GetKeys(asOf));
    }

    /// <summary>Every downstream partition that exists at <paramref name="asOf"/>, when <paramref name="upstreamKey"/> exists then too; otherwise none.</summary>
    /// <inheritdoc />
    public override IReadOnlyList<PartitionKey?> GetDownstream(PartitionKey? upstreamKey, PartitionsDefinition? downstream, PartitionsDefinition? upstream, Instant asOf)
    {
        PartitionSpaces.Check(upstream, upstreamKey, "upstream");
        return PartitionSpaces.Exists(upstream, upstreamKey, asOf) ? PartitionSpaces.ExistingKeys(downstream, asOf) : [];
    }

    /// <inheritdoc />
    public override bool Equals(PartitionMapping? other) => other is AllPartitionsMapping;

    /// <inheritdoc />
    public override int GetHashCode() => nameof(AllPartitionsMapping).GetHashCode(StringComparison.Ordinal);
}

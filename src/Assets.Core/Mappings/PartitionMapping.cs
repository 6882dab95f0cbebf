using Assets.Partitions;
using NodaTime;

namespace Assets.Mappings;

/// <summary>
/// Which partitions of an upstream asset a partition of a downstream asset reads, and the reverse.
/// A <c>null</c> definition or key stands for an unpartitioned asset. Mappings are immutable and
/// compare by value. <c>asOf</c> arguments matter to mappings that depend on which
/// partitions exist now (all partitions, the last partition).
/// </summary>
public abstract class PartitionMapping : IEquatable<PartitionMapping>
{
    private protected PartitionMapping()
    {
    }

    /// <summary>Identity: the same partition key on both sides (the default).</summary>
    public static PartitionMapping Identity { get; } = new IdentityPartitionMapping();

    /// <summary>Every partition of the upstream that exists.</summary>
    public static PartitionMapping AllPartitions { get; } = new AllPartitionsMapping();

    /// <summary>The newest upstream partition that exists.</summary>
    public static PartitionMapping LastPartition { get; } = new LastPartitionMapping();

    /// <summary>One line for people: <c>identity</c>, <c>window(-6, 0)</c>, <c>all partitions</c>, ...</summary>
    public abstract string Describe();

    /// <summary>
    /// <c>null</c> when this mapping can connect the two definitions; otherwise a sentence saying what
    /// does not fit and how to fix it (the caller prefixes the asset names).
    /// </summary>
    public abstract string? Validate(PartitionsDefinition? downstream, PartitionsDefinition? upstream);

    /// <summary>The upstream partitions the downstream partition <paramref name="downstreamKey"/> reads.</summary>
    public abstract MappedPartitions GetUpstream(PartitionKey? downstreamKey, PartitionsDefinition? downstream, PartitionsDefinition? upstream, Instant asOf);

    /// <summary>The downstream partitions that read the upstream partition <paramref name="upstreamKey"/>, in downstream order.</summary>
    public abstract IReadOnlyList<PartitionKey?> GetDownstream(PartitionKey? upstreamKey, PartitionsDefinition? downstream, PartitionsDefinition? upstream, Instant asOf);

    /// <inheritdoc />
    public abstract bool Equals(PartitionMapping? other);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as PartitionMapping);

    /// <inheritdoc />
    public abstract override int GetHashCode();

    /// <inheritdoc />
    public override string ToString() => Describe();
}

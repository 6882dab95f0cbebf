using Assets.Partitions;

namespace Assets.Mappings;

/// <summary>
/// The upstream partitions one downstream partition reads through a <see cref="PartitionMapping"/>.
/// <see cref="Keys"/> are in upstream order; a <c>null</c> entry stands for an unpartitioned upstream.
/// <see cref="OutsideUpstreamRange"/> are partitions the mapping asks for that the upstream definition can
/// never have (before its start or after its end, where the mapping does not clip): a planner must block
/// the downstream partition on them rather than read less than it asked for.
/// </summary>
/// <param name="Keys">The upstream partitions read, in order.</param>
/// <param name="OutsideUpstreamRange">Requested partitions outside the upstream definition's range, as text.</param>
public sealed record MappedPartitions(IReadOnlyList<PartitionKey?> Keys, IReadOnlyList<string> OutsideUpstreamRange)
{
    /// <summary>Reads nothing.</summary>
    public static MappedPartitions None { get; } = new([], []);

    /// <summary>Reads the single partition of an unpartitioned upstream.</summary>
    public static MappedPartitions Unpartitioned { get; } = new([null], []);

    /// <summary>Reads exactly <paramref name="keys"/>.</summary>
    public static MappedPartitions Of(IReadOnlyList<PartitionKey> keys) => new(keys.Select(k => (PartitionKey?)k).ToArray(), []);
}

using System.Diagnostics.CodeAnalysis;
using NodaTime;

namespace Assets.Partitions;

/// <summary>
/// How an asset is split into partitions: time windows (<see cref="TimeWindowPartitionsDefinition"/>),
/// a fixed list (<see cref="StaticPartitionsDefinition"/>), or both (<see cref="MultiPartitionsDefinition"/>).
/// Definitions are immutable and compare by value, so two assets with equal definitions map
/// partition to partition by identity.
/// </summary>
public abstract class PartitionsDefinition : IEquatable<PartitionsDefinition>
{
    private protected PartitionsDefinition()
    {
    }

    /// <summary>A short name of the kind: <c>hourly</c>, <c>daily</c>, <c>weekly</c>, <c>monthly</c>, <c>static</c>, <c>multi</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>One line for people: <c>daily from 2026-01-01 to 2026-01-31 (Europe/Berlin)</c>.</summary>
    public abstract string Describe();

    /// <summary>The valid form and range of a key, for error messages: <c>yyyy-MM-dd between 2026-01-01 and 2026-01-31 (Europe/Berlin)</c>.</summary>
    public abstract string DescribeKeyForm();

    /// <summary>
    /// Parses user text into a canonical key of this definition, or says what is wrong (malformed,
    /// outside the range, ambiguous) together with the valid form and range.
    /// </summary>
    public abstract bool TryParseKey(string? text, out PartitionKey key, [NotNullWhen(false)] out string? errorMessage);

    /// <summary>Parses user text into a canonical key; throws <see cref="PartitionKeyException"/> with the valid form and range.</summary>
    public PartitionKey ParseKey(string? text)
        => TryParseKey(text, out var key, out var errorMessage) ? key : throw new PartitionKeyException(errorMessage);

    /// <summary>Whether <paramref name="key"/> is a canonical key inside this definition's range.</summary>
    public bool Contains(PartitionKey key) => TryParseKey(key.Value, out var parsed, out _) && parsed == key;

    /// <summary>
    /// Every partition that exists at <paramref name="asOf"/>, in order (time order for time windows,
    /// declaration order for static lists). A time window exists once it has ended (shifted by the
    /// definition's end offset) and is not after its end.
    /// </summary>
    public abstract IReadOnlyList<PartitionKey> GetKeys(Instant asOf);

    /// <inheritdoc />
    public abstract bool Equals(PartitionsDefinition? other);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as PartitionsDefinition);

    /// <inheritdoc />
    public abstract override int GetHashCode();

    /// <inheritdoc />
    public override string ToString() => Describe();
}

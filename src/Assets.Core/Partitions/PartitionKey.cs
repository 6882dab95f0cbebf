namespace Assets.Partitions;

/// <summary>
/// The canonical text of one partition of a <see cref="PartitionsDefinition"/>: <c>2026-01-05</c> for a
/// day, <c>2026-01-05-13:00</c> for an hour, <c>eu</c> for a static partition, <c>2026-01-05|eu</c> for a
/// two-dimensional one. A key only means something together with its definition, which parses and
/// validates it (<see cref="PartitionsDefinition.ParseKey"/>); this type only guarantees the text is
/// non-empty. Equality is ordinal on the text. An unpartitioned asset has no key (<c>null</c>).
/// </summary>
public readonly struct PartitionKey : IEquatable<PartitionKey>, IComparable<PartitionKey>
{
    private readonly string? _value;

    /// <summary>Wraps canonical key text. Prefer <see cref="PartitionsDefinition.ParseKey"/> for user input.</summary>
    public PartitionKey(string value) => _value = Preconditions.CheckNotBlank(value);

    /// <summary>The canonical text.</summary>
    public string Value => _value ?? throw new InvalidOperationException("default(PartitionKey) is not a partition key.");

    /// <inheritdoc />
    public bool Equals(PartitionKey other) => string.Equals(_value, other._value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PartitionKey other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _value is null ? 0 : StringComparer.Ordinal.GetHashCode(_value);

    /// <summary>Ordinal order of the text (for time keys this is also time order).</summary>
    public int CompareTo(PartitionKey other) => string.CompareOrdinal(_value, other._value);

    /// <inheritdoc />
    public override string ToString() => _value ?? string.Empty;

    /// <summary>Equality by text.</summary>
    public static bool operator ==(PartitionKey left, PartitionKey right) => left.Equals(right);

    /// <summary>Inequality by text.</summary>
    public static bool operator !=(PartitionKey left, PartitionKey right) => !left.Equals(right);

    /// <summary>Ordering by text.</summary>
    public static bool operator <(PartitionKey left, PartitionKey right) => left.CompareTo(right) < 0;

    /// <summary>Ordering by text.</summary>
    public static bool operator >(PartitionKey left, PartitionKey right) => left.CompareTo(right) > 0;

    /// <summary>Ordering by text.</summary>
    public static bool operator <=(PartitionKey left, PartitionKey right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering by text.</summary>
    public static bool operator >=(PartitionKey left, PartitionKey right) => left.CompareTo(right) >= 0;
}

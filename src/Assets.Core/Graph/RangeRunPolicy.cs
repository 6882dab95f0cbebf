using System.Reflection;
using Assets.Partitions;
using NodaTime;

namespace Assets.Graph;

/// <summary>
/// How a range-capable asset (<see cref="RangeRunsAttribute"/>) splits the rows of one call of its body into its
/// partitions. Immutable.
/// </summary>
public sealed class RangeRunPolicy
{
    internal RangeRunPolicy(PropertyInfo partitionBy, int maxPartitions)
    {
        PartitionBy = partitionBy;
        MaxPartitions = maxPartitions;
    }

    /// <summary>The record property that says which partition a row belongs to.</summary>
    public PropertyInfo PartitionBy { get; }

    /// <summary>At most this many partitions per call.</summary>
    public int MaxPartitions { get; }

    /// <summary>Whether <paramref name="type"/> can say which partition a row belongs to.</summary>
    internal static bool IsSupported(Type type) => type == typeof(DateOnly) || type == typeof(DateTime) || type == typeof(string);

    /// <summary>
    /// The partition of <paramref name="definition"/> <paramref name="row"/> belongs to, or <c>null</c> when its value
    /// names none (null, not a key, or a time no window holds).
    /// </summary>
    public PartitionKey? PartitionOf(object row, TimeWindowPartitionsDefinition definition)
    {
        Preconditions.CheckNotNull(row);
        Preconditions.CheckNotNull(definition);
        var value = PartitionBy.GetValue(row);
        if (value is string text)
        {
            return definition.TryParseKey(text, out var key, out _) ? key : null;
        }

        Instant? instant = value switch
        {
            DateOnly date => LocalDate.FromDateOnly(date).AtStartOfDayInZone(definition.Zone).ToInstant(),
            DateTime { Kind: not DateTimeKind.Local } time => Instant.FromDateTimeUtc(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
            _ => null,
        };
        return instant is { } at && definition.IndexOfWindowContaining(at) is { } index ? definition.KeyAt(index) : null;
    }
}

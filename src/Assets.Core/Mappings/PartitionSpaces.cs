using Assets.Partitions;
using NodaTime;

namespace Assets.Mappings;

/// <summary>
/// What the mappings need to know about a definition regardless of its kind: its time and static
/// dimensions, a short label for error messages, and which keys exist.
/// </summary>
internal static class PartitionSpaces
{
    public static TimeWindowPartitionsDefinition? TimeOf(PartitionsDefinition? definition) => definition switch
    {
        TimeWindowPartitionsDefinition time => time,
        MultiPartitionsDefinition multi => multi.Time,
        _ => null,
    };

    public static StaticPartitionsDefinition? StaticOf(PartitionsDefinition? definition) => definition switch
    {
        StaticPartitionsDefinition @static => @static,
        MultiPartitionsDefinition multi => multi.Static,
        _ => null,
    };

    /// <summary><c>daily (Europe/Berlin)</c>, <c>static (us, eu)</c>, <c>daily (UTC) x static (us, eu)</c>, <c>unpartitioned</c>.</summary>
    public static string Label(PartitionsDefinition? definition) => definition switch
    {
        null => "unpartitioned",
        TimeWindowPartitionsDefinition time => time.Cadence == TimeCadence.Weekly && time.FirstDayOfWeek != IsoDayOfWeek.Monday
            ? $"weekly from {time.FirstDayOfWeek} ({time.Zone.Id})"
            : $"{time.Kind} ({time.Zone.Id})",
        MultiPartitionsDefinition multi => $"{Label(multi.Time)} x {Label(multi.Static)}",
        _ => definition.Describe(),
    };

    /// <summary>Every key of <paramref name="definition"/> that exists at <paramref name="asOf"/>, or the single <c>null</c> of an unpartitioned asset.</summary>
    public static IReadOnlyList<PartitionKey?> ExistingKeys(PartitionsDefinition? definition, Instant asOf)
        => definition is null ? [null] : definition.GetKeys(asOf).Select(k => (PartitionKey?)k).ToArray();

    /// <summary>Whether <paramref name="key"/> is a key of <paramref name="definition"/> that exists at <paramref name="asOf"/>.</summary>
    public static bool Exists(PartitionsDefinition? definition, PartitionKey? key, Instant asOf)
    {
        if (definition is null || key is null)
        {
            return definition is null && key is null;
        }

        return definition switch
        {
            TimeWindowPartitionsDefinition time => time.TryGetIndex(key.Value, out var index) && index < time.CountAsOf(asOf),
            MultiPartitionsDefinition multi => multi.Contains(key.Value) && multi.Time.IndexOf(multi.Split(key.Value).Time) < multi.Time.CountAsOf(asOf),
            _ => definition.Contains(key.Value),
        };
    }

    /// <summary>Throws when <paramref name="key"/> is not a key of <paramref name="definition"/> (or not <c>null</c> for an unpartitioned one).</summary>
    public static PartitionKey? Check(PartitionsDefinition? definition, PartitionKey? key, string side)
    {
        if (definition is null)
        {
            return key is null ? null : throw new ArgumentException($"The {side} asset is unpartitioned, so its key must be null, not '{key}'.", side + "Key");
        }

        if (key is null)
        {
            throw new ArgumentException($"The {side} asset is partitioned ({definition.Describe()}), so it needs a partition key.", side + "Key");
        }

        return definition.Contains(key.Value) ? key : throw new PartitionKeyException(definition.TryParseKey(key.Value.Value, out _, out var error) ? $"'{key}' is not the canonical form of a {side} partition key." : error);
    }
}

using NodaTime;

namespace Assets.Partitions;

/// <summary>
/// The time one partition of a <see cref="TimeWindowPartitionsDefinition"/> covers: the half-open
/// interval [<see cref="Start"/>, <see cref="End"/>) in the definition's time zone (see that type for
/// how each cadence is cut).
/// </summary>
/// <param name="Key">The partition's canonical key.</param>
/// <param name="Start">The first instant of the partition, in the definition's time zone.</param>
/// <param name="End">The first instant after the partition (the next partition's start), in the definition's time zone.</param>
public sealed record PartitionTimeWindow(PartitionKey Key, ZonedDateTime Start, ZonedDateTime End)
{
    /// <summary>The instants covered: [<see cref="Start"/>, <see cref="End"/>).</summary>
    public Interval Interval => new(Start.ToInstant(), End.ToInstant());

    /// <summary>The local date the partition starts on (the date of a daily, weekly or monthly key).</summary>
    public LocalDate StartDate => Start.Date;

    /// <summary>How long the partition is (23 or 25 hours for a day with a daylight saving change).</summary>
    public Duration Duration => End.ToInstant() - Start.ToInstant();
}

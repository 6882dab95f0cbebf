using NodaTime;

namespace Assets.Partitions;

/// <summary>
/// One partition per calendar week in <see cref="TimeWindowPartitionsAttribute.Timezone"/>, keyed by its
/// first day <c>yyyy-MM-dd</c>: <c>[WeeklyPartitions("2026-01-05")]</c>. The start (and end) must fall on
/// <see cref="FirstDayOfWeek"/>.
/// </summary>
public sealed class WeeklyPartitionsAttribute : TimeWindowPartitionsAttribute
{
    /// <summary>Declares weekly partitions from <paramref name="start"/> (<c>yyyy-MM-dd</c>, a <see cref="FirstDayOfWeek"/>).</summary>
    public WeeklyPartitionsAttribute(string start)
        : base(start)
    {
    }

    /// <summary>The day weeks start on. Default <see cref="IsoDayOfWeek.Monday"/>.</summary>
    public IsoDayOfWeek FirstDayOfWeek { get; set; } = IsoDayOfWeek.Monday;

    /// <inheritdoc />
    public override TimeCadence Cadence => TimeCadence.Weekly;

    /// <inheritdoc />
    public override TimeWindowPartitionsDefinition CreateDefinition() => BuildFromDates(FirstDayOfWeek);
}

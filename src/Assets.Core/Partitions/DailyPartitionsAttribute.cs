namespace Assets.Partitions;

/// <summary>
/// One partition per calendar day in <see cref="TimeWindowPartitionsAttribute.Timezone"/>, keyed
/// <c>yyyy-MM-dd</c>: <c>[DailyPartitions("2026-01-01", Timezone = "Europe/Berlin")]</c>.
/// </summary>
public sealed class DailyPartitionsAttribute : TimeWindowPartitionsAttribute
{
    /// <summary>Declares daily partitions from <paramref name="start"/> (<c>yyyy-MM-dd</c>).</summary>
    public DailyPartitionsAttribute(string start)
        : base(start)
    {
    }

    /// <inheritdoc />
    public override TimeCadence Cadence => TimeCadence.Daily;

    /// <inheritdoc />
    public override TimeWindowPartitionsDefinition CreateDefinition() => BuildFromDates();
}

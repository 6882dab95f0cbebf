namespace Assets.Partitions;

/// <summary>
/// One partition per calendar month in <see cref="TimeWindowPartitionsAttribute.Timezone"/>, keyed by its
/// first day <c>yyyy-MM-01</c>: <c>[MonthlyPartitions("2026-01-01")]</c>. The start (and end) must be the 1st.
/// </summary>
public sealed class MonthlyPartitionsAttribute : TimeWindowPartitionsAttribute
{
    /// <summary>Declares monthly partitions from <paramref name="start"/> (<c>yyyy-MM-01</c>).</summary>
    public MonthlyPartitionsAttribute(string start)
        : base(start)
    {
    }

    /// <inheritdoc />
    public override TimeCadence Cadence => TimeCadence.Monthly;

    /// <inheritdoc />
    public override TimeWindowPartitionsDefinition CreateDefinition() => BuildFromDates();
}

namespace Assets.Partitions;

/// <summary>How long one partition of a <see cref="TimeWindowPartitionsDefinition"/> is.</summary>
public enum TimeCadence
{
    /// <summary>One hour of elapsed time; keys <c>yyyy-MM-dd-HH:mm</c>.</summary>
    Hourly,

    /// <summary>One calendar day in the definition's time zone; keys <c>yyyy-MM-dd</c>.</summary>
    Daily,

    /// <summary>One calendar week starting on the definition's first day of the week; keys <c>yyyy-MM-dd</c> of that day.</summary>
    Weekly,

    /// <summary>One calendar month; keys <c>yyyy-MM-dd</c> of its first day.</summary>
    Monthly,
}

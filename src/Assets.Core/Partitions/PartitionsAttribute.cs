namespace Assets.Partitions;

/// <summary>
/// Declares how an asset method's output is partitioned. One time attribute (daily, hourly, weekly,
/// monthly) and one <see cref="StaticPartitionsAttribute"/> on the same method make a two-dimensional
/// (time x static) definition; any other combination is a definition error.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public abstract class PartitionsAttribute : Attribute
{
    private protected PartitionsAttribute()
    {
    }

    /// <summary>Builds the definition; throws <see cref="DefinitionException"/> saying what to change when a value is invalid.</summary>
    public abstract PartitionsDefinition CreateDefinition();
}

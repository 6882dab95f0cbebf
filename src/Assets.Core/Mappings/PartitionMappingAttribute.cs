namespace Assets.Mappings;

/// <summary>
/// Declares, on a dependency parameter, which upstream partitions the asset reads. Without one the
/// mapping is identity, which needs both sides to share a definition.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public abstract class PartitionMappingAttribute : Attribute
{
    private protected PartitionMappingAttribute()
    {
    }

    /// <summary>Builds the mapping; throws <see cref="DefinitionException"/> saying what to change when a value is invalid.</summary>
    public abstract PartitionMapping CreateMapping();
}

namespace Assets.Mappings;

/// <summary>Reads the newest upstream partition that exists. See <see cref="LastPartitionMapping"/>.</summary>
public sealed class LastPartitionAttribute : PartitionMappingAttribute
{
    /// <inheritdoc />
    public override PartitionMapping CreateMapping() => PartitionMapping.LastPartition;
}

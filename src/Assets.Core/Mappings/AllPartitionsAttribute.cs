namespace Assets.Mappings;

/// <summary>Reads every upstream partition that exists: <c>[AllPartitions] IEnumerable&lt;Order&gt; cleanOrders</c>. See <see cref="AllPartitionsMapping"/>.</summary>
public sealed class AllPartitionsAttribute : PartitionMappingAttribute
{
    /// <inheritdoc />
    public override PartitionMapping CreateMapping() => PartitionMapping.AllPartitions;
}

using Assets.Mappings;

namespace Assets.Graph;

/// <summary>
/// An edge of the asset graph: the downstream asset depends on <see cref="Upstream"/> through
/// <see cref="Mapping"/>. <see cref="ParameterName"/> is the parameter that receives the data, or
/// <c>null</c> for a non-data dependency declared in <see cref="AssetAttribute.Deps"/>.
/// </summary>
/// <param name="Upstream">The upstream asset.</param>
/// <param name="Mapping">Which upstream partitions a downstream partition reads.</param>
/// <param name="ParameterName">The receiving parameter, or <c>null</c> for a non-data dependency.</param>
public sealed record AssetDependency(AssetKey Upstream, PartitionMapping Mapping, string? ParameterName)
{
    /// <summary>Whether the data is passed to the body (a parameter) rather than only ordered before it.</summary>
    public bool IsData => ParameterName is not null;
}

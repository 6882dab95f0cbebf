using Assets.Freshness;
using Assets.Graph;
using Assets.Mappings;

namespace Assets.Hosting.Rendering;

/// <summary>Short texts for people, shared by the table, the lineage and the JSON output.</summary>
internal static class AssetDescriptions
{
    public static string Partitions(AssetDefinition asset) => asset.Partitions?.Describe() ?? "unpartitioned";

    public static string Mapping(AssetDependency dependency) => dependency.Mapping.Describe();

    public static bool IsIdentity(AssetDependency dependency) => dependency.Mapping.Equals(PartitionMapping.Identity);

    public static string Dependency(AssetDependency dependency)
    {
        var text = dependency.Upstream.Value;
        if (!IsIdentity(dependency))
        {
            text += $" ({Mapping(dependency)})";
        }

        return dependency.IsData ? text : text + " (non-data)";
    }

    public static string Freshness(FreshnessPolicy? policy) => policy?.Describe() ?? "-";

    public static string CodeVersion(AssetDefinition asset) => asset.HasExplicitCodeVersion ? asset.CodeVersion : $"{asset.CodeVersion} (from body)";
}

using System.Reflection;
using Assets.Automation;
using Assets.Freshness;
using Assets.Partitions;

namespace Assets.Graph;

/// <summary>
/// Everything the framework knows about one asset, read from its attributed method. Immutable; built
/// by <see cref="AssetGraphBuilder"/>, which checks every invariant and reports all errors at once.
/// </summary>
public sealed class AssetDefinition
{
    internal AssetDefinition(
        AssetKey key,
        string group,
        string? description,
        IReadOnlyList<string> owners,
        IReadOnlyDictionary<string, string> tags,
        string codeVersion,
        bool hasExplicitCodeVersion,
        PartitionsDefinition? partitions,
        IReadOnlyList<AssetDependency> dependencies,
        FreshnessPolicy? freshness,
        RetryPolicy retry,
        MethodInfo method,
        IReadOnlyList<ParameterBinding> parameters,
        AssetOutput output)
    {
        Key = key;
        Group = group;
        Description = description;
        Owners = owners;
        Tags = tags;
        CodeVersion = codeVersion;
        HasExplicitCodeVersion = hasExplicitCodeVersion;
        Partitions = partitions;
        Dependencies = dependencies;
        Freshness = freshness;
        Retry = retry;
        Method = method;
        Parameters = parameters;
        Output = output;
    }

    /// <summary>How one call of the body can materialize a range of partitions (<see cref="RangeRunsAttribute"/>); <c>null</c> when it cannot.</summary>
    public RangeRunPolicy? RangeRuns { get; internal init; }

    /// <summary>When the daemon materializes the asset by itself (<see cref="AutomationAttribute"/>); <c>null</c>: only when asked.</summary>
    public AutomationPolicy? Automation { get; internal init; }

    /// <summary>The asset's key.</summary>
    public AssetKey Key { get; }

    /// <summary>The group, from <see cref="AssetGroupAttribute"/> on the declaring class, or <c>default</c>.</summary>
    public string Group { get; }

    /// <summary>What the asset holds, for people.</summary>
    public string? Description { get; }

    /// <summary>Who to ask about the asset.</summary>
    public IReadOnlyList<string> Owners { get; }

    /// <summary>Labels, by key (a bare tag has an empty value), in key order.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; }

    /// <summary>The version of the asset's logic: explicit, or derived from the method body.</summary>
    public string CodeVersion { get; }

    /// <summary>Whether <see cref="CodeVersion"/> was given in <see cref="AssetAttribute.CodeVersion"/>.</summary>
    public bool HasExplicitCodeVersion { get; }

    /// <summary>How the asset is partitioned; <c>null</c> when it is not.</summary>
    public PartitionsDefinition? Partitions { get; }

    /// <summary>The upstream assets, in parameter order, then <see cref="AssetAttribute.Deps"/> order.</summary>
    public IReadOnlyList<AssetDependency> Dependencies { get; }

    /// <summary>The freshness policy, if any.</summary>
    public FreshnessPolicy? Freshness { get; }

    /// <summary>How failed materializations are retried.</summary>
    public RetryPolicy Retry { get; }

    /// <summary>The asset's method.</summary>
    public MethodInfo Method { get; }

    /// <summary>Where each parameter's value comes from, in parameter order.</summary>
    public IReadOnlyList<ParameterBinding> Parameters { get; }

    /// <summary>What the method returns.</summary>
    public AssetOutput Output { get; }

    /// <summary>How the asset's source is observed (<see cref="SourceObserverAttribute"/>); <c>null</c> when it is not.</summary>
    public SourceObserverDefinition? SourceObserver { get; internal set; }

    /// <summary>The checks of this asset, in declaration order.</summary>
    public IReadOnlyList<AssetCheckDefinition> Checks { get; internal set; } = [];

    /// <summary><c>Type.Method</c>, for messages.</summary>
    public string Location => $"{Method.DeclaringType?.Name}.{Method.Name}";

    /// <inheritdoc />
    public override string ToString() => Key.Value;
}

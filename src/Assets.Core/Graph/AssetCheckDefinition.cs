using System.Reflection;

namespace Assets.Graph;

/// <summary>A data-quality check of an asset, declared with <see cref="AssetCheckAttribute"/>.</summary>
public sealed class AssetCheckDefinition
{
    internal AssetCheckDefinition(AssetKey asset, string name, bool blocking, string? description, MethodInfo method, IReadOnlyList<ParameterBinding> parameters)
    {
        Asset = asset;
        Name = name;
        Blocking = blocking;
        Description = description;
        Method = method;
        Parameters = parameters;
    }

    /// <summary>The checked asset.</summary>
    public AssetKey Asset { get; }

    /// <summary>The check's name: its method name in snake_case, unique per asset.</summary>
    public string Name { get; }

    /// <summary>Whether a failure stops the publish (quarantine) rather than only warning.</summary>
    public bool Blocking { get; }

    /// <summary>What the check asserts, for people.</summary>
    public string? Description { get; }

    /// <summary>The check method.</summary>
    public MethodInfo Method { get; }

    /// <summary>Where each parameter's value comes from.</summary>
    public IReadOnlyList<ParameterBinding> Parameters { get; }

    /// <summary><c>Type.Method</c>, for messages.</summary>
    public string Location => $"{Method.DeclaringType?.Name}.{Method.Name}";
}

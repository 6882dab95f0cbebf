using System.Reflection;

namespace Assets.Hosting;

/// <summary>
/// Says where a project's assets are declared, read like a sentence:
/// <c>services.AddAssets(assets => assets.FromAssemblyContaining(typeof(SalesAssets)))</c>.
/// </summary>
public sealed class AssetsBuilder
{
    private readonly List<Assembly> _assemblies = [];
    private readonly List<Type> _types = [];

    internal AssetsBuilder()
    {
    }

    internal IReadOnlyList<Assembly> Assemblies => _assemblies;

    internal IReadOnlyList<Type> Types => _types;

    /// <summary>Scans every type of <paramref name="assembly"/> for asset and check methods.</summary>
    public AssetsBuilder FromAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        if (!_assemblies.Contains(assembly))
        {
            _assemblies.Add(assembly);
        }

        return this;
    }

    /// <summary>
    /// Scans the assembly that declares <paramref name="type"/>. Takes a <see cref="Type"/> rather than a type
    /// argument because asset classes are often static, and static classes cannot be type arguments.
    /// </summary>
    public AssetsBuilder FromAssemblyContaining(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return FromAssembly(type.Assembly);
    }

    /// <summary>Scans only the given types (useful in tests).</summary>
    public AssetsBuilder FromTypes(params Type[] types)
    {
        ArgumentNullException.ThrowIfNull(types);
        _types.AddRange(types.Where(t => !_types.Contains(t)));
        return this;
    }
}

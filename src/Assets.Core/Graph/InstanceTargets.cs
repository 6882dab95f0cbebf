using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Assets.Graph;

/// <summary>
/// How a step gets the object an instance asset, check or observer method runs on: the class itself as a
/// registered service, or built by <see cref="ActivatorUtilities"/> through a public constructor whose parameters are
/// all services (or have defaults). Checked when the graph is built, so a missing registration is a definition error
/// at start rather than a failed step.
/// </summary>
internal static class InstanceTargets
{
    /// <summary>Why <paramref name="type"/> cannot be built from the host's services, or <c>null</c> when it can.</summary>
    public static string? ProblemBuilding(Type type, Func<Type, bool> isService)
    {
        if (isService(type))
        {
            return null;
        }

        var name = AssetGraphBuilder.TypeNameOf(type);
        var constructors = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance);
        if (constructors.Length == 0)
        {
            return $"its class {name} has no public constructor to build it with: add one, make the method static, or register {name} with builder.Services.";
        }

        // ActivatorUtilities uses only the marked constructor when there is one; otherwise any constructor it can satisfy.
        var marked = constructors.Where(c => c.IsDefined(typeof(ActivatorUtilitiesConstructorAttribute), inherit: false)).ToArray();
        var candidates = marked.Length > 0 ? marked : constructors;
        var closest = candidates
            .Select(c => (Constructor: c, Missing: c.GetParameters().Where(p => !p.HasDefaultValue && !isService(p.ParameterType)).ToArray()))
            .OrderBy(c => c.Missing.Length)
            .ThenByDescending(c => c.Constructor.GetParameters().Length)
            .First();
        if (closest.Missing.Length == 0)
        {
            return null;
        }

        var parameters = string.Join(", ", closest.Missing.Select(p => $"'{p.Name}' ({AssetGraphBuilder.TypeNameOf(p.ParameterType)})"));
        var types = string.Join(" and ", closest.Missing.Select(p => AssetGraphBuilder.TypeNameOf(p.ParameterType)).Distinct(StringComparer.Ordinal));
        return $"its class {name} is built through the host's services, but its constructor takes {parameters}, "
            + $"which no one registered: register {types} with builder.Services, or register {name} itself.";
    }
}

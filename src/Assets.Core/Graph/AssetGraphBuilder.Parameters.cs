using System.Reflection;
using Assets.Mappings;

namespace Assets.Graph;

public sealed partial class AssetGraphBuilder
{
    // An asset method's parameters: upstream assets, the context, services and the cancellation token.
    private sealed partial class Reading
    {
        private List<ParameterBinding> ReadParameters(MethodInfo method, AssetKey self, string? prefix, List<AssetDependency> dependencies, Action<string> error)
        {
            var bindings = new List<ParameterBinding>();
            foreach (var parameter in method.GetParameters())
            {
                var type = parameter.ParameterType;
                var name = parameter.Name ?? $"#{parameter.Position}";
                var mappingAttribute = parameter.GetCustomAttribute<PartitionMappingAttribute>();
                if (type.IsByRef || parameter.IsOut)
                {
                    error($"parameter '{name}' is passed by reference (ref, in or out): take it by value.");
                    continue;
                }

                if (type == typeof(AssetContext) || type == typeof(CancellationToken))
                {
                    if (mappingAttribute is not null)
                    {
                        error($"parameter '{name}' is not an asset, so it cannot carry a partition mapping attribute: remove it.");
                    }

                    bindings.Add(type == typeof(AssetContext) ? new ContextBinding(parameter) : new CancellationBinding(parameter));
                    continue;
                }

                var from = parameter.GetCustomAttribute<FromAttribute>();
                AssetKey? upstream = null;
                if (from is not null)
                {
                    upstream = ResolveKey(from.AssetKey, error, $"[From(\"{from.AssetKey}\")] on parameter '{name}'");
                    if (upstream is null)
                    {
                        continue;
                    }
                }
                else
                {
                    upstream = AssetKeyForParameter(name, prefix);
                }

                if (upstream is not null)
                {
                    if (upstream == self && method.GetCustomAttribute<AssetAttribute>() is not null)
                    {
                        error($"parameter '{name}' reads the asset itself: an asset cannot depend on itself; for its previous partition use an upstream copy or [Window(-1, -1)] on another asset.");
                        continue;
                    }

                    if (dependencies.Any(d => d.Upstream == upstream))
                    {
                        error($"'{upstream}' is read by two parameters: read it once.");
                        continue;
                    }

                    PartitionMapping mapping;
                    try
                    {
                        mapping = mappingAttribute?.CreateMapping() ?? PartitionMapping.Identity;
                    }
                    catch (DefinitionException e)
                    {
                        error($"parameter '{name}': {e.Message}");
                        continue;
                    }

                    if (!TryInputShape(type, out var shape, out var recordType))
                    {
                        error($"parameter '{name}' reads '{upstream}' as {TypeName(type)}: take IEnumerable<T>, IReadOnlyList<T>, List<T>, T[], IAsyncEnumerable<T> or one record T.");
                        continue;
                    }

                    var dependency = new AssetDependency(upstream, mapping, name);
                    dependencies.Add(dependency);
                    bindings.Add(new UpstreamBinding(parameter, dependency, shape, recordType));
                    continue;
                }

                if (mappingAttribute is not null)
                {
                    error($"parameter '{name}' carries a partition mapping but names no asset{DidYouMeanKey(AssetKey.ToSnakeCase(name))}: name it after an asset or add [From(\"key\")].");
                    continue;
                }

                var guess = AssetKey.ToSnakeCase(name);
                var prefixed = _declared.Keys.Where(k => k.Value.Contains('/', StringComparison.Ordinal) && string.Equals(k.Name, guess, StringComparison.Ordinal))
                    .Select(k => k.Value).Order(StringComparer.Ordinal).ToList();
                if (prefixed.Count > 0)
                {
                    // The asset exists under a key prefix, which a parameter name cannot carry.
                    error($"parameter '{name}' ({TypeName(type)}) names no asset: there is no asset '{guess}'; "
                        + string.Join(" or ", prefixed.Select(k => $"did you mean '{k}' (add [From(\"{k}\")])?")));
                    continue;
                }

                if (IsRegisteredService(type))
                {
                    bindings.Add(new ServiceBinding(parameter, type));
                    continue;
                }

                error($"parameter '{name}' ({TypeName(type)}) is neither an upstream asset (there is no asset '{guess}'{Suggestions.DidYouMean(guess, DeclaredKeys).Replace(" (", "; ", StringComparison.Ordinal).TrimEnd(')')}) "
                    + $"nor a service registered in the host: name the parameter after an asset, add [From(\"key\")], or register {TypeName(type)} with builder.Services.");
            }

            return bindings;
        }

        /// <summary>
        /// Whether the host resolves <paramref name="type"/>. The container resolves every IEnumerable&lt;T&gt; (empty when
        /// nothing is registered), so a sequence counts only when T itself is registered: otherwise a misnamed upstream
        /// parameter would silently read no rows.
        /// </summary>
        private bool IsRegisteredService(Type type)
            => isService(type) && !(type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>) && !isService(type.GetGenericArguments()[0]));

        private AssetKey? AssetKeyForParameter(string parameterName, string? prefix)
        {
            var name = AssetKey.ToSnakeCase(parameterName);
            if (!string.IsNullOrEmpty(prefix) && AssetKey.TryParse(prefix.Trim('/') + "/" + name, out var prefixed, out _) && _declared.ContainsKey(prefixed))
            {
                return prefixed;
            }

            return AssetKey.TryParse(name, out var key, out _) && _declared.ContainsKey(key) ? key : null;
        }

        private AssetKey? ResolveKey(string text, Action<string> error, string where)
        {
            if (!AssetKey.TryParse(text, out var key, out var keyError))
            {
                error($"{where}: {keyError}");
                return null;
            }

            if (!_declared.ContainsKey(key))
            {
                error($"{where} names no asset{Suggestions.DidYouMean(text, DeclaredKeys)}: fix the key or declare that asset.");
                return null;
            }

            return key;
        }
    }
}

using System.Reflection;

namespace Assets.Graph;

public sealed partial class AssetGraphBuilder
{
    // The [AssetCheck] and [SourceObserver] methods: which asset each names, and their parameters.
    private sealed partial class Reading
    {
        public void ReadChecks(IEnumerable<Type> types, Dictionary<AssetKey, AssetDefinition> assets)
        {
            var checks = new Dictionary<AssetKey, List<AssetCheckDefinition>>();
            foreach (var type in types)
            {
                foreach (var method in type.GetMethods(DeclaredMethods).OrderBy(m => m.MetadataToken))
                {
                    if (method.GetCustomAttribute<AssetCheckAttribute>() is not { } attribute)
                    {
                        continue;
                    }

                    var location = Location(method);
                    if (ResolveTarget(attribute.Asset, "AssetCheck", method) is not { } assetKey)
                    {
                        continue;
                    }

                    var errorsBefore = Errors.Count;
                    void Error(string message) => Errors.Add(new DefinitionError(assetKey, location, message));
                    if (method.GetCustomAttribute<AssetAttribute>() is not null)
                    {
                        Error("a method cannot be both an [Asset] and an [AssetCheck]: split it in two.");
                        continue;
                    }

                    if (!CheckMethodShape(method, Error))
                    {
                        continue;
                    }

                    CheckInstanceClass(method, Error);
                    var returned = UnwrapAwaitable(method.ReturnType, out _);
                    if (returned != typeof(CheckResult))
                    {
                        Error($"a check must return CheckResult, Task<CheckResult> or ValueTask<CheckResult>, not {TypeName(method.ReturnType)}.");
                    }

                    var dependencies = new List<AssetDependency>();
                    // The checked asset's prefix, so a parameter named after it (countryDim for ref/country_dim) reads it.
                    var parameters = ReadParameters(method, assetKey, _declared[assetKey].Attribute.KeyPrefix, dependencies, Error);
                    foreach (var dependency in dependencies.Where(d => d.Upstream != assetKey))
                    {
                        Error($"a check reads only the staged data of the asset it checks ('{assetKey}'), not '{dependency.Upstream}': remove that parameter.");
                    }

                    if (dependencies.Count == 0)
                    {
                        Error($"a check must take the checked data as a parameter named after the asset ({Camel(assetKey.Name)}) or marked [From(\"{assetKey}\")].");
                    }

                    var name = AssetKey.ToSnakeCase(method.Name);
                    var list = checks.TryGetValue(assetKey, out var existing) ? existing : checks[assetKey] = [];
                    if (list.Any(c => c.Name == name))
                    {
                        Error($"the asset already has a check named '{name}': rename the method.");
                    }

                    if (Errors.Count == errorsBefore)
                    {
                        list.Add(new AssetCheckDefinition(assetKey, name, attribute.Blocking, attribute.Description, method, parameters));
                    }
                }
            }

            foreach (var (key, list) in checks)
            {
                if (assets.TryGetValue(key, out var asset))
                {
                    asset.Checks = list;
                }
            }
        }

        /// <summary>
        /// The declared asset an <c>[AssetCheck]</c> or <c>[SourceObserver]</c> names: its key, or the name of its method
        /// (<c>nameof(CountryDim)</c> for <c>ref/country_dim</c>, preferring a method of the same class); <c>null</c> after
        /// reporting that it names none.
        /// </summary>
        private AssetKey? ResolveTarget(string asset, string attributeName, MethodInfo declaredAt)
        {
            if (AssetKey.TryParse(asset, out var key, out _) && _declared.ContainsKey(key))
            {
                return key;
            }

            var byMethod = _declared.Values.Where(d => string.Equals(d.Method.Name, asset, StringComparison.Ordinal)).ToList();
            var sameClass = byMethod.Where(d => d.Method.DeclaringType == declaredAt.DeclaringType).ToList();
            if ((sameClass.Count > 0 ? sameClass : byMethod) is [var single])
            {
                return single.Key;
            }

            var location = Location(declaredAt);
            if (byMethod.Count > 1)
            {
                Errors.Add(new DefinitionError(null, location,
                    $"[{attributeName}(\"{asset}\")] names methods of several assets ({string.Join(", ", byMethod.Select(d => d.Key.Value).Order(StringComparer.Ordinal))}): give the asset's key."));
                return null;
            }

            var target = asset.Any(char.IsUpper) ? AssetKey.ToSnakeCase(asset) : asset;
            Errors.Add(new DefinitionError(null, location,
                $"[{attributeName}(\"{asset}\")] names no asset{DidYouMeanKey(target)}: give the asset's key or nameof its method."));
            return null;
        }

        /// <summary>" (did you mean 'x'?)" for a mistyped key; a name that is only missing its prefix suggests the prefixed key.</summary>
        private string DidYouMeanKey(string text)
        {
            var prefixed = _declared.Keys.Where(k => k.Value.Contains('/', StringComparison.Ordinal) && string.Equals(k.Name, text, StringComparison.Ordinal))
                .Select(k => k.Value).Order(StringComparer.Ordinal).ToList();
            return prefixed.Count > 0 ? $" (did you mean {string.Join(" or ", prefixed.Select(k => $"'{k}'"))}?)" : Suggestions.DidYouMean(text, DeclaredKeys);
        }

        /// <summary>For an instance method: whether the host can build its class (reported once per class).</summary>
        private void CheckInstanceClass(MethodInfo method, Action<string> error)
        {
            if (!method.IsStatic && _instanceClassesChecked.Add(method.DeclaringType!)
                && InstanceTargets.ProblemBuilding(method.DeclaringType!, isService) is { } problem)
            {
                error(problem);
            }
        }

        public void ReadObservers(IEnumerable<Type> types, Dictionary<AssetKey, AssetDefinition> assets)
        {
            var observed = new HashSet<AssetKey>();
            foreach (var type in types)
            {
                foreach (var method in type.GetMethods(DeclaredMethods).OrderBy(m => m.MetadataToken))
                {
                    if (method.GetCustomAttribute<SourceObserverAttribute>() is not { } attribute)
                    {
                        continue;
                    }

                    var location = Location(method);
                    if (ResolveTarget(attribute.Asset, "SourceObserver", method) is not { } assetKey)
                    {
                        continue;
                    }

                    var errorsBefore = Errors.Count;
                    void Error(string message) => Errors.Add(new DefinitionError(assetKey, location, message));
                    if (method.GetCustomAttribute<AssetAttribute>() is not null || method.GetCustomAttribute<AssetCheckAttribute>() is not null)
                    {
                        Error("a [SourceObserver] cannot also be an [Asset] or an [AssetCheck]: split it in two.");
                        continue;
                    }

                    if (!CheckMethodShape(method, Error))
                    {
                        continue;
                    }

                    CheckInstanceClass(method, Error);
                    if (UnwrapAwaitable(method.ReturnType, out _) != typeof(SourceObservation))
                    {
                        Error($"an observer must return SourceObservation, Task<SourceObservation> or ValueTask<SourceObservation>, not {TypeName(method.ReturnType)}.");
                    }

                    var parameters = new List<ParameterBinding>();
                    foreach (var parameter in method.GetParameters())
                    {
                        var parameterType = parameter.ParameterType;
                        if (parameterType == typeof(SourceContext))
                        {
                            parameters.Add(new ContextBinding(parameter));
                        }
                        else if (parameterType == typeof(CancellationToken))
                        {
                            parameters.Add(new CancellationBinding(parameter));
                        }
                        else if (!parameterType.IsByRef && isService(parameterType))
                        {
                            parameters.Add(new ServiceBinding(parameter, parameterType));
                        }
                        else
                        {
                            Error($"parameter '{parameter.Name}' ({TypeName(parameterType)}) is neither a SourceContext, a CancellationToken nor a registered service: an observer looks at the source, not at assets.");
                        }
                    }

                    NodaTime.Duration? lateAfter = null;
                    if (attribute.LateAfter is not null)
                    {
                        if (DurationText.TryParse(attribute.LateAfter, out var late, out var lateError))
                        {
                            lateAfter = late;
                        }
                        else
                        {
                            Error($"[SourceObserver(LateAfter = \"{attribute.LateAfter}\")]: {lateError}");
                        }
                    }

                    if (!observed.Add(assetKey))
                    {
                        Error($"'{assetKey}' already has a [SourceObserver]: an asset's source is observed by one method.");
                    }

                    if (Errors.Count == errorsBefore && assets.TryGetValue(assetKey, out var asset))
                    {
                        asset.SourceObserver = new SourceObserverDefinition(assetKey, method, parameters, lateAfter);
                    }
                }
            }
        }
    }
}

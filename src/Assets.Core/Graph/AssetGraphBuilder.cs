using System.Reflection;
using Assets.CodeVersions;
using Assets.Automation;
using Assets.Freshness;
using Assets.Mappings;
using Assets.Partitions;

namespace Assets.Graph;

/// <summary>
/// Reads the attributed asset and check methods of one or more assemblies (or types) and builds the
/// <see cref="AssetGraph"/>. Every definition error is collected, and <see cref="Build"/> throws one
/// <see cref="AssetDefinitionException"/> listing them all, each naming the asset and the fix.
/// </summary>
public sealed class AssetGraphBuilder
{
    private const BindingFlags DeclaredMethods =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;

    private readonly List<Type> _types = [];
    private readonly HashSet<Assembly> _assemblies = [];
    private Func<Type, bool> _isService = static _ => false;
    private Func<Type, string?> _recordProblems = static _ => null;

    /// <summary>Scans every type of <paramref name="assembly"/> for asset and check methods.</summary>
    public AssetGraphBuilder AddAssembly(Assembly assembly)
    {
        Preconditions.CheckNotNull(assembly);
        if (_assemblies.Add(assembly))
        {
            _types.AddRange(LoadableTypes(assembly).OrderBy(t => t.FullName, StringComparer.Ordinal));
        }

        return this;
    }

    /// <summary>Scans the given types for asset and check methods.</summary>
    public AssetGraphBuilder AddTypes(params Type[] types)
    {
        Preconditions.CheckNotNull(types);
        _types.AddRange(types.Where(t => !_types.Contains(t)));
        return this;
    }

    /// <summary>
    /// Says which parameter types the host can resolve as services (for example from
    /// <c>IServiceProviderIsService</c>). Default: none, so every parameter must be an asset, the
    /// context or the cancellation token.
    /// </summary>
    public AssetGraphBuilder UseServices(Func<Type, bool> isService)
    {
        _isService = Preconditions.CheckNotNull(isService);
        return this;
    }

    /// <summary>
    /// Says which record types the storage can write and read back: <paramref name="problemsStoring"/> returns
    /// <c>null</c> for a type it can store, otherwise a sentence naming what to change (for example a property of an
    /// unsupported type). Every asset's declared record type is checked when the graph is built, so an unstorable
    /// type is a definition error at start, not a failed step. Default: every record type is accepted.
    /// </summary>
    public AssetGraphBuilder UseRecordFormat(Func<Type, string?> problemsStoring)
    {
        _recordProblems = Preconditions.CheckNotNull(problemsStoring);
        return this;
    }

    /// <summary>Builds the graph, or throws <see cref="AssetDefinitionException"/> with every error found.</summary>
    public AssetGraph Build()
    {
        var reading = new Reading(_isService, _recordProblems);
        var declared = reading.DeclareAssets(_types);
        var assets = declared.Select(reading.ReadAsset).OfType<AssetDefinition>().ToList();
        var byKey = assets.ToDictionary(a => a.Key);
        reading.ReadChecks(_types, byKey);
        reading.ReadObservers(_types, byKey);
        reading.CheckEdges(assets, byKey);
        var ordered = reading.OrderTopologically(assets, byKey);
        if (reading.Errors.Count > 0)
        {
            throw new AssetDefinitionException(reading.Errors);
        }

        return new AssetGraph(ordered);
    }

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }

    private sealed record DeclaredAsset(MethodInfo Method, AssetAttribute Attribute, AssetKey Key, string Group);

    /// <summary>The state of one build: the errors found so far and the keys declared.</summary>
    private sealed class Reading(Func<Type, bool> isService, Func<Type, string?> recordProblems)
    {
        private readonly Dictionary<AssetKey, DeclaredAsset> _declared = [];
        private readonly HashSet<Type> _instanceClassesChecked = [];

        public List<DefinitionError> Errors { get; } = [];

        private IEnumerable<string> DeclaredKeys => _declared.Keys.Select(k => k.Value);

        public List<DeclaredAsset> DeclareAssets(IEnumerable<Type> types)
        {
            var result = new List<DeclaredAsset>();
            foreach (var type in types)
            {
                var group = ReadGroup(type);
                foreach (var method in type.GetMethods(DeclaredMethods).OrderBy(m => m.MetadataToken))
                {
                    if (method.GetCustomAttribute<AssetAttribute>() is not { } attribute)
                    {
                        continue;
                    }

                    var location = Location(method);
                    var name = attribute.Name ?? AssetKey.ToSnakeCase(method.Name);
                    var text = string.IsNullOrEmpty(attribute.KeyPrefix) ? name : attribute.KeyPrefix.Trim('/') + "/" + name;
                    if (!AssetKey.TryParse(text, out var key, out var keyError))
                    {
                        Errors.Add(new DefinitionError(null, location, keyError + " Change [Asset(KeyPrefix = ..., Name = ...)] or the method name."));
                        continue;
                    }

                    if (_declared.TryGetValue(key, out var first))
                    {
                        Errors.Add(new DefinitionError(key, location,
                            $"the key '{key}' is declared twice, here and in {Location(first.Method)}: rename one method, or give one [Asset(KeyPrefix = ...)] or [Asset(Name = ...)]."));
                        continue;
                    }

                    var declared = new DeclaredAsset(method, attribute, key, group ?? AssetGroupAttribute.DefaultGroup);
                    _declared.Add(key, declared);
                    result.Add(declared);
                }
            }

            return result;
        }

        public AssetDefinition? ReadAsset(DeclaredAsset declared)
        {
            var (method, attribute, key, group) = declared;
            var errorsBefore = Errors.Count;
            void Error(string message) => Errors.Add(new DefinitionError(key, Location(method), message));

            if (!CheckMethodShape(method, Error))
            {
                // A generic or abstract method has no meaningful parameters or result to report on.
                return null;
            }

            CheckInstanceClass(method, Error);
            var partitions = ReadPartitions(method, Error);
            var freshness = Read(method.GetCustomAttribute<FreshnessAttribute>(), FreshnessPolicy.FromAttribute, Error);
            var automation = Read(method.GetCustomAttribute<AutomationAttribute>(), AutomationPolicy.FromAttribute, Error);
            var retry = Read(method.GetCustomAttribute<RetryAttribute>(), RetryPolicy.FromAttribute, Error) ?? RetryPolicy.Default;
            var tags = ReadTags(attribute.Tags, Error);
            var owners = attribute.Owners.Select(o => o?.Trim() ?? string.Empty).ToArray();
            if (owners.Any(string.IsNullOrEmpty))
            {
                Error("[Asset(Owners = ...)] has an empty owner: give e-mail addresses or team names.");
            }

            var dependencies = new List<AssetDependency>();
            var parameters = ReadParameters(method, key, declared.Attribute.KeyPrefix, dependencies, Error);
            foreach (var dep in attribute.Deps)
            {
                if (ResolveKey(dep, Error, $"[Asset(Deps = [\"{dep}\"])]") is { } upstream)
                {
                    if (dependencies.Any(d => d.Upstream == upstream))
                    {
                        Error($"'{upstream}' is listed in Deps and also read through a parameter: remove it from Deps.");
                    }
                    else
                    {
                        dependencies.Add(new AssetDependency(upstream, PartitionMapping.Identity, null));
                    }
                }
            }

            var output = ReadOutput(method, Error);
            if (output?.RecordType is { } recordType && recordProblems(recordType) is { } storing)
            {
                Error($"returns {TypeName(recordType)} records, which the storage cannot hold: {storing}");
            }

            var codeVersion = attribute.CodeVersion;
            if (codeVersion is not null && string.IsNullOrWhiteSpace(codeVersion))
            {
                Error("[Asset(CodeVersion = \"\")] is blank: give a version such as \"3\", or remove it to derive the version from the method body.");
            }

            var rangeRuns = ReadRangeRuns(method, partitions, output, Error);
            if (Errors.Count > errorsBefore || output is null)
            {
                return null;
            }

            return new AssetDefinition(
                key,
                group,
                attribute.Description,
                owners,
                tags,
                codeVersion ?? MethodBodyHasher.ComputeCodeVersion(method),
                codeVersion is not null,
                partitions,
                dependencies,
                freshness,
                retry,
                method,
                parameters,
                output)
            {
                RangeRuns = rangeRuns,
                Automation = automation,
            };
        }

        private static RangeRunPolicy? ReadRangeRuns(MethodInfo method, PartitionsDefinition? partitions, AssetOutput? output, Action<string> error)
        {
            if (method.GetCustomAttribute<RangeRunsAttribute>() is not { } attribute)
            {
                return null;
            }

            if (partitions is not TimeWindowPartitionsDefinition)
            {
                error("[RangeRuns] needs daily, hourly, weekly or monthly partitions (a range is consecutive time windows): remove it, or partition the asset by time.");
                return null;
            }

            if (attribute.MaxPartitions < 1)
            {
                error($"[RangeRuns(MaxPartitions = {attribute.MaxPartitions})] must be at least 1.");
            }

            if (output is null)
            {
                return null;
            }

            if (output.Kind is not (AssetOutputKind.Rows or AssetOutputKind.RowStream) || output.RecordType is null)
            {
                error("[RangeRuns] needs a body that returns rows (a collection or async stream of records), so they can be split by partition.");
                return null;
            }

            var property = string.IsNullOrWhiteSpace(attribute.PartitionBy) ? null : output.RecordType.GetProperty(attribute.PartitionBy, BindingFlags.Public | BindingFlags.Instance);
            if (property is null || !RangeRunPolicy.IsSupported(property.PropertyType))
            {
                var candidates = output.RecordType.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => RangeRunPolicy.IsSupported(p.PropertyType)).Select(p => p.Name).ToArray();
                error($"[RangeRuns(PartitionBy = \"{attribute.PartitionBy}\")] must name a public property of {output.RecordType.Name} of type DateOnly, DateTime (UTC) or string (the partition key)"
                    + (candidates.Length > 0 ? $"; candidates: {string.Join(", ", candidates)}." : "; it has none: add one."));
                return null;
            }

            return new RangeRunPolicy(property, attribute.MaxPartitions);
        }

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

        public void CheckEdges(List<AssetDefinition> assets, Dictionary<AssetKey, AssetDefinition> byKey)
        {
            foreach (var asset in assets)
            {
                foreach (var dependency in asset.Dependencies)
                {
                    void Error(string message) => Errors.Add(new DefinitionError(asset.Key, asset.Location, message));
                    if (!byKey.TryGetValue(dependency.Upstream, out var upstream))
                    {
                        // Declared but invalid: its own errors are reported already.
                        continue;
                    }

                    if (dependency.Mapping.Validate(asset.Partitions, upstream.Partitions) is { } mappingError)
                    {
                        Error($"reads '{upstream.Key}' ({Describe(upstream.Partitions)}) but is {Describe(asset.Partitions)}: {mappingError}");
                    }

                    foreach (var binding in asset.Parameters.OfType<UpstreamBinding>().Where(b => b.Dependency == dependency))
                    {
                        CheckInput(asset, upstream, binding, Error);
                    }
                }

                foreach (var check in asset.Checks)
                {
                    foreach (var binding in check.Parameters.OfType<UpstreamBinding>())
                    {
                        CheckInput(asset, asset, binding, m => Errors.Add(new DefinitionError(asset.Key, check.Location, m)));
                    }
                }
            }
        }

        public List<AssetDefinition> OrderTopologically(List<AssetDefinition> assets, Dictionary<AssetKey, AssetDefinition> byKey)
        {
            // Kahn's algorithm over a sorted ready set, so the order is the same on every machine.
            var remaining = assets.ToDictionary(a => a.Key, a => a.Dependencies.Select(d => d.Upstream).Where(byKey.ContainsKey).Distinct().Count());
            var downstream = assets.ToDictionary(a => a.Key, _ => new List<AssetKey>());
            foreach (var asset in assets)
            {
                foreach (var upstream in asset.Dependencies.Select(d => d.Upstream).Where(byKey.ContainsKey).Distinct())
                {
                    downstream[upstream].Add(asset.Key);
                }
            }

            var ready = new SortedSet<AssetKey>(remaining.Where(p => p.Value == 0).Select(p => p.Key));
            var ordered = new List<AssetDefinition>(assets.Count);
            while (ready.Count > 0)
            {
                var next = ready.Min!;
                ready.Remove(next);
                ordered.Add(byKey[next]);
                foreach (var child in downstream[next])
                {
                    if (--remaining[child] == 0)
                    {
                        ready.Add(child);
                    }
                }
            }

            if (ordered.Count < assets.Count)
            {
                ReportCycles(assets.Where(a => remaining[a.Key] > 0).ToList(), byKey);
            }

            return ordered;
        }

        private void ReportCycles(List<AssetDefinition> stuck, Dictionary<AssetKey, AssetDefinition> byKey)
        {
            var inCycle = stuck.Select(a => a.Key).ToHashSet();
            var reported = new HashSet<AssetKey>();
            foreach (var start in stuck.OrderBy(a => a.Key))
            {
                if (reported.Contains(start.Key) || FindCycle(start.Key, inCycle, byKey) is not { } cycle)
                {
                    continue;
                }

                var first = cycle.Min()!;
                var rotation = cycle.IndexOf(first);
                var path = cycle.Skip(rotation).Concat(cycle.Take(rotation)).Append(first).ToList();
                if (!path.Any(reported.Contains))
                {
                    var asset = byKey[first];
                    Errors.Add(new DefinitionError(first, asset.Location,
                        $"the assets depend on each other in a cycle: {string.Join(" -> ", path.Select(k => k.Value))} (each reads the next): remove one of these dependencies."));
                }

                reported.UnionWith(cycle);
            }
        }

        private static List<AssetKey>? FindCycle(AssetKey start, HashSet<AssetKey> candidates, Dictionary<AssetKey, AssetDefinition> byKey)
        {
            // Depth-first search for a path from start back to start through stuck assets.
            var path = new List<AssetKey> { start };
            var visited = new HashSet<AssetKey> { start };
            return Visit(start) ? path : null;

            bool Visit(AssetKey key)
            {
                foreach (var upstream in byKey[key].Dependencies.Select(d => d.Upstream).Where(candidates.Contains).Distinct().Order())
                {
                    if (upstream == start)
                    {
                        return true;
                    }

                    if (visited.Add(upstream))
                    {
                        path.Add(upstream);
                        if (Visit(upstream))
                        {
                            return true;
                        }

                        path.RemoveAt(path.Count - 1);
                    }
                }

                return false;
            }
        }

        private static void CheckInput(AssetDefinition downstream, AssetDefinition upstream, UpstreamBinding binding, Action<string> error)
        {
            var parameter = binding.Parameter.Name;
            if (!upstream.Output.HasData)
            {
                error($"parameter '{parameter}' reads '{upstream.Key}', which returns MaterializeResult and has no rows to read: list it in [Asset(Deps = [\"{upstream.Key}\"])] instead.");
                return;
            }

            if (binding.RecordType != upstream.Output.RecordType)
            {
                error($"parameter '{parameter}' reads {TypeName(binding.RecordType)} records but '{upstream.Key}' returns {TypeName(upstream.Output.RecordType!)}: use {TypeName(upstream.Output.RecordType!)}.");
                return;
            }

            var singleUpstream = upstream.Output.Kind == AssetOutputKind.SingleRecord;
            var oneUpstreamPartition = upstream.Partitions is null
                || binding.Dependency.Mapping is IdentityPartitionMapping or LastPartitionMapping;
            if (binding.Shape == InputShape.OneRecord && !(singleUpstream && oneUpstreamPartition) && downstream != upstream)
            {
                error($"parameter '{parameter}' takes one {TypeName(binding.RecordType)}, but '{upstream.Key}' gives "
                    + (singleUpstream ? "several partitions" : "many rows") + $": take IEnumerable<{TypeName(binding.RecordType)}>.");
            }
        }

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

        private static PartitionsDefinition? ReadPartitions(MethodInfo method, Action<string> error)
        {
            var attributes = method.GetCustomAttributes<PartitionsAttribute>().ToList();
            if (attributes.Count == 0)
            {
                return null;
            }

            var definitions = new List<PartitionsDefinition>();
            foreach (var attribute in attributes)
            {
                try
                {
                    definitions.Add(attribute.CreateDefinition());
                }
                catch (DefinitionException e)
                {
                    error(e.Message);
                }
            }

            if (definitions.Count != attributes.Count)
            {
                return null;
            }

            switch (definitions)
            {
                case [var single]:
                    return single;
                case [TimeWindowPartitionsDefinition time, StaticPartitionsDefinition @static]:
                    return new MultiPartitionsDefinition(time, @static);
                case [StaticPartitionsDefinition @static, TimeWindowPartitionsDefinition time]:
                    return new MultiPartitionsDefinition(time, @static);
                default:
                    error("has " + string.Join(" and ", definitions.Select(d => d.Kind)) + " partitions: an asset has one partitions attribute, "
                        + "or one time attribute (hourly, daily, weekly, monthly) and one [StaticPartitions] for time x static partitions.");
                    return null;
            }
        }

        private static AssetOutput? ReadOutput(MethodInfo method, Action<string> error)
        {
            var returned = UnwrapAwaitable(method.ReturnType, out var awaitable);
            if (returned == typeof(void))
            {
                error($"returns {TypeName(method.ReturnType)}: return the rows (IEnumerable<T>, IAsyncEnumerable<T>, a record), or MaterializeResult when the body writes elsewhere.");
                return null;
            }

            if (returned == typeof(MaterializeResult))
            {
                return new AssetOutput(AssetOutputKind.Report, null, awaitable);
            }

            if (GenericArgumentOf(returned, typeof(IAsyncEnumerable<>)) is { } streamed)
            {
                if (awaitable)
                {
                    error($"returns {TypeName(method.ReturnType)}: return IAsyncEnumerable<{TypeName(streamed)}> directly (an async iterator), not wrapped in a task.");
                    return null;
                }

                return IsRecordType(streamed, error) ? new AssetOutput(AssetOutputKind.RowStream, streamed, false) : null;
            }

            if (returned != typeof(string) && CollectionElementType(returned) is { } element)
            {
                return IsRecordType(element, error) ? new AssetOutput(AssetOutputKind.Rows, element, awaitable) : null;
            }

            return IsRecordType(returned, error) ? new AssetOutput(AssetOutputKind.SingleRecord, returned, awaitable) : null;
        }

        private static bool IsRecordType(Type type, Action<string> error)
        {
            var scalar = type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(object)
                || type.IsInterface || type.IsAbstract || type.ContainsGenericParameters;
            if (scalar || !type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Any(p => p.CanRead))
            {
                error($"returns {TypeName(type)} values: rows must be a class, record or struct with public properties (its columns).");
                return false;
            }

            return true;
        }

        private static bool TryInputShape(Type type, out InputShape shape, out Type recordType)
        {
            if (GenericArgumentOf(type, typeof(IAsyncEnumerable<>)) is { } streamed && type.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>))
            {
                (shape, recordType) = (InputShape.Stream, streamed);
                return true;
            }

            if (type.IsArray && type.GetArrayRank() == 1)
            {
                (shape, recordType) = (InputShape.Collection, type.GetElementType()!);
                return true;
            }

            if (type.IsGenericType && type.GetGenericTypeDefinition() is var definition
                && (definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyCollection<>)
                    || definition == typeof(IReadOnlyList<>) || definition == typeof(List<>)))
            {
                (shape, recordType) = (InputShape.Collection, type.GetGenericArguments()[0]);
                return true;
            }

            if (type != typeof(string) && !type.IsPrimitive && !type.IsInterface && !type.IsAbstract && CollectionElementType(type) is null)
            {
                (shape, recordType) = (InputShape.OneRecord, type);
                return true;
            }

            (shape, recordType) = (default, typeof(object));
            return false;
        }

        private static bool CheckMethodShape(MethodInfo method, Action<string> error)
        {
            var type = method.DeclaringType!;
            var valid = true;
            void Invalid(string message)
            {
                valid = false;
                error(message);
            }

            if (method.IsGenericMethodDefinition)
            {
                Invalid("is a generic method: asset and check methods cannot have type parameters.");
            }

            if (type.ContainsGenericParameters)
            {
                Invalid($"is declared in the generic type {TypeName(type)}: declare it in a non-generic class.");
            }

            if (method.IsAbstract)
            {
                Invalid("is abstract: give it a body.");
            }

            if (!method.IsStatic && (type.IsAbstract || type.IsInterface))
            {
                Invalid($"is an instance method of {(type.IsInterface ? "an interface" : "an abstract class")}: make it static or move it to a concrete class built through DI.");
            }

            if (method.ReturnType.IsByRef || method.ReturnType.IsPointer)
            {
                Invalid("returns by reference: return a value.");
            }

            return valid;
        }

        private static T? Read<TAttribute, T>(TAttribute? attribute, Func<TAttribute, T> read, Action<string> error)
            where TAttribute : Attribute
            where T : class
        {
            if (attribute is null)
            {
                return null;
            }

            try
            {
                return read(attribute);
            }
            catch (DefinitionException e)
            {
                error(e.Message);
                return null;
            }
        }

        private static SortedDictionary<string, string> ReadTags(string[] tags, Action<string> error)
        {
            var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                var separator = tag.IndexOf('=', StringComparison.Ordinal);
                var key = (separator < 0 ? tag : tag[..separator]).Trim();
                var value = separator < 0 ? string.Empty : tag[(separator + 1)..].Trim();
                if (key.Length == 0 || key.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == ',') || value.Any(c => char.IsControl(c) || c == ','))
                {
                    error($"[Asset(Tags = [\"{AssetKey.Printable(tag)}\"])] is not a tag: write \"key=value\" or \"key\" (no spaces or commas in the key, no commas in the value).");
                }
                else if (!result.TryAdd(key, value))
                {
                    error($"tag '{key}' is given twice: keep one.");
                }
            }

            return result;
        }

        private string? ReadGroup(Type type)
        {
            if (type.GetCustomAttribute<AssetGroupAttribute>() is not { } group)
            {
                return null;
            }

            if (AssetKey.TryParse(group.Name, out var parsed, out _) && !group.Name.Contains('/', StringComparison.Ordinal))
            {
                return parsed.Value;
            }

            Errors.Add(new DefinitionError(null, type.Name,
                $"[AssetGroup(\"{AssetKey.Printable(group.Name)}\")] is not a valid group name: use lower-case letters, digits, '_' and '-' (for example \"sales\")."));
            return AssetGroupAttribute.DefaultGroup;
        }

        private static Type UnwrapAwaitable(Type type, out bool awaitable)
        {
            awaitable = true;
            if (type == typeof(Task) || type == typeof(ValueTask))
            {
                return typeof(void);
            }

            if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>)))
            {
                return type.GetGenericArguments()[0];
            }

            awaitable = false;
            return type;
        }

        private static Type? GenericArgumentOf(Type type, Type openInterface)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == openInterface)
            {
                return type.GetGenericArguments()[0];
            }

            return type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == openInterface)?.GetGenericArguments()[0];
        }

        private static Type? CollectionElementType(Type type) => type.IsArray ? type.GetElementType() : GenericArgumentOf(type, typeof(IEnumerable<>));

        private static string Describe(PartitionsDefinition? partitions) => partitions?.Describe() ?? "unpartitioned";

        private static string Location(MethodInfo method) => $"{method.DeclaringType?.Name}.{method.Name}";

        private static string Camel(string snake)
        {
            var parts = snake.Split('_', '-');
            return parts[0] + string.Concat(parts.Skip(1).Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
        }

        internal static string TypeName(Type type) => TypeNameOf(type);
    }

    /// <summary>A type as C# code writes it: <c>List&lt;Order&gt;</c>, <c>Order[]</c>.</summary>
    internal static string TypeNameOf(Type type)
    {
        if (type.IsArray)
        {
            return TypeNameOf(type.GetElementType()!) + "[]";
        }

        if (!type.IsGenericType)
        {
            return type.Name;
        }

        var name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(TypeNameOf))}>";
    }
}

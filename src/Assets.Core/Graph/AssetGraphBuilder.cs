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
public sealed partial class AssetGraphBuilder
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
    private sealed partial class Reading(Func<Type, bool> isService, Func<Type, string?> recordProblems)
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

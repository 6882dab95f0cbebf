using System.Reflection;
using Assets.Partitions;

namespace Assets.Graph;

public sealed partial class AssetGraphBuilder
{
    // The attributes and shape of a declared method: partitions, output, tags, group and the types it takes and returns.
    private sealed partial class Reading
    {
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
}

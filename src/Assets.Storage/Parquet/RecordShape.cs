using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json.Serialization;
using Parquet.Schema;
using Parquet.Serialization;
using Parquet.Serialization.Attributes;

namespace Assets.Storage.Parquet;

/// <summary>One stored column of a record type: the member it comes from and how it is stored.</summary>
internal sealed record ShapeColumn(
    string ColumnName,
    MemberInfo Member,
    Type MemberType,
    Type StoreType,
    DataField Field,
    bool IsSettable,
    int ConstructorParameter)
{
    /// <summary>Whether reading sets this column on the record (through the constructor or a setter).</summary>
    public bool IsRead => ConstructorParameter >= 0 || IsSettable;
}

/// <summary>
/// What <see cref="ParquetRecordFormat"/> makes of a record type: its columns (flat, one per public property or
/// field, in the order Parquet.Net's schema gives them) and how a record is built back when read.
/// </summary>
internal sealed class RecordShape
{
    private static readonly Dictionary<Type, Type> StoreTypes = new()
    {
        [typeof(bool)] = typeof(bool),
        [typeof(byte)] = typeof(byte),
        [typeof(sbyte)] = typeof(sbyte),
        [typeof(short)] = typeof(short),
        [typeof(ushort)] = typeof(ushort),
        [typeof(int)] = typeof(int),
        [typeof(uint)] = typeof(uint),
        [typeof(long)] = typeof(long),
        [typeof(ulong)] = typeof(ulong),
        [typeof(float)] = typeof(float),
        [typeof(double)] = typeof(double),
        [typeof(decimal)] = typeof(decimal),
        [typeof(DateTime)] = typeof(DateTime),
        [typeof(DateOnly)] = typeof(DateOnly),
        [typeof(TimeOnly)] = typeof(long),
        [typeof(Guid)] = typeof(Guid),
        [typeof(string)] = typeof(ReadOnlyMemory<char>),
        [typeof(byte[])] = typeof(ReadOnlyMemory<byte>),
    };

    private RecordShape(Type recordType, ParquetSchema schema, IReadOnlyList<ShapeColumn> columns, ConstructorInfo? constructor)
    {
        RecordType = recordType;
        Schema = schema;
        Columns = columns;
        Constructor = constructor;
    }

    public Type RecordType { get; }

    /// <summary>The Parquet schema the file is written with.</summary>
    public ParquetSchema Schema { get; }

    /// <summary>The columns in schema order.</summary>
    public IReadOnlyList<ShapeColumn> Columns { get; }

    /// <summary>The constructor records are read back through; <c>null</c> for a struct's default constructor.</summary>
    public ConstructorInfo? Constructor { get; }

    /// <summary>The stable schema text: <c>name:type:nullable|required</c>, one column a line.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        foreach (ShapeColumn column in Columns)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append(column.ColumnName).Append(':').Append(DescribeType(column.Field, column.StoreType))
                .Append(':').Append(column.Field.IsNullable ? "nullable" : "required");
        }

        return text.ToString();
    }

    private static string DescribeType(DataField field, Type storeType) => field switch
    {
        DecimalDataField d => string.Create(CultureInfo.InvariantCulture, $"decimal({d.Precision},{d.Scale})"),
        DateTimeDataField dt => string.Create(
            CultureInfo.InvariantCulture,
            $"timestamp({dt.DateTimeFormat.ToString().ToLowerInvariant()}{(dt.IsAdjustedToUTC ? ",utc" : string.Empty)})"),
        TimeDataField t => string.Create(
            CultureInfo.InvariantCulture,
            $"time({t.Precision.ToString().ToLowerInvariant()}{(t.IsAdjustedToUtc ? ",utc" : string.Empty)})"),
        _ => storeType switch
        {
            _ when storeType == typeof(bool) => "bool",
            _ when storeType == typeof(sbyte) => "int8",
            _ when storeType == typeof(byte) => "uint8",
            _ when storeType == typeof(short) => "int16",
            _ when storeType == typeof(ushort) => "uint16",
            _ when storeType == typeof(int) => "int32",
            _ when storeType == typeof(uint) => "uint32",
            _ when storeType == typeof(long) => "int64",
            _ when storeType == typeof(ulong) => "uint64",
            _ when storeType == typeof(float) => "float",
            _ when storeType == typeof(double) => "double",
            _ when storeType == typeof(DateOnly) => "date",
            _ when storeType == typeof(Guid) => "uuid",
            _ when storeType == typeof(ReadOnlyMemory<char>) => "string",
            _ when storeType == typeof(ReadOnlyMemory<byte>) => "binary",
            _ => storeType.Name,
        },
    };

    /// <summary>Analyses a record type; on failure, <paramref name="errors"/> says what to change, one message each.</summary>
    public static RecordShape? Analyze(Type recordType, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        errors = problems;
        string typeName = recordType.Name;

        if (recordType.IsAbstract || recordType.IsInterface || recordType.ContainsGenericParameters
            || recordType.IsPrimitive || recordType == typeof(string) || recordType.IsArray || recordType.IsPointer
            || recordType.IsByRefLike || recordType.IsEnum)
        {
            problems.Add($"'{recordType}' cannot be a record type: use a concrete class, record or struct with public properties, one per column.");
            return null;
        }

        var members = new List<(MemberInfo Member, Type Type, string Column, bool Settable)>();
        foreach (PropertyInfo property in recordType.GetProperties(BindingFlags.Instance | BindingFlags.Public))
        {
            if (!property.CanRead || IsIgnored(property))
            {
                continue;
            }

            if (property.GetIndexParameters().Length > 0)
            {
                problems.Add($"'{typeName}' has an indexer '{property.Name}': Parquet cannot store it; remove it or mark it [ParquetIgnore].");
                continue;
            }

            members.Add((property, property.PropertyType, ColumnName(property), property.GetSetMethod(nonPublic: false) is not null));
        }

        foreach (FieldInfo field in recordType.GetFields(BindingFlags.Instance | BindingFlags.Public))
        {
            if (!IsIgnored(field))
            {
                members.Add((field, field.FieldType, ColumnName(field), !field.IsInitOnly));
            }
        }

        if (members.Count == 0)
        {
            problems.Add($"'{typeName}' has no public properties to store: give it one public property per column.");
            return null;
        }

        foreach (IGrouping<string, string> duplicate in members.Select(m => m.Column)
                     .GroupBy(c => c, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            problems.Add($"'{typeName}' has more than one column named '{duplicate.Key}' (names are compared ignoring case): rename one.");
        }

        foreach ((MemberInfo member, Type type, _, _) in members)
        {
            if (StoreTypeOf(type) is null)
            {
                problems.Add($"'{typeName}.{member.Name}' has type {FriendlyName(type)}, which Parquet records cannot store: {Suggest(type)}.");
            }
        }

        if (problems.Count > 0)
        {
            return null;
        }

        ParquetSchema schema;
        try
        {
            schema = recordType.GetParquetSchema(forWriting: false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            problems.Add($"Parquet.Net cannot derive a schema for '{typeName}': {ex.Message}");
            return null;
        }

        var byColumn = members.ToDictionary(m => m.Column, StringComparer.Ordinal);
        var columns = new List<ShapeColumn>();
        foreach (Field field in schema.Fields)
        {
            if (field is not DataField dataField || !byColumn.TryGetValue(field.Name, out var member))
            {
                problems.Add($"'{typeName}' column '{field.Name}' is not a flat column ({field.SchemaType}): use a supported scalar type.");
                continue;
            }

            Type storeType = StoreTypeOf(member.Type)!;
            if (dataField.ClrType != storeType)
            {
                problems.Add($"'{typeName}.{member.Member.Name}' is stored by Parquet.Net as {dataField.ClrType}, which this format does not handle: use another type.");
                continue;
            }

            columns.Add(new ShapeColumn(member.Column, member.Member, member.Type, storeType, dataField, member.Settable, -1));
        }

        if (problems.Count > 0)
        {
            return null;
        }

        ConstructorInfo? constructor = ChooseConstructor(recordType, columns, problems);
        if (problems.Count > 0)
        {
            return null;
        }

        if (constructor is not null)
        {
            ParameterInfo[] parameters = constructor.GetParameters();
            for (int i = 0; i < parameters.Length; i++)
            {
                int index = columns.FindIndex(c => Matches(parameters[i], c));
                columns[index] = columns[index] with { ConstructorParameter = i };
            }
        }

        return new RecordShape(recordType, schema, columns, constructor);
    }

    private static ConstructorInfo? ChooseConstructor(Type recordType, List<ShapeColumn> columns, List<string> problems)
    {
        ConstructorInfo[] constructors = recordType.GetConstructors(BindingFlags.Instance | BindingFlags.Public);
        ConstructorInfo? parameterless = constructors.FirstOrDefault(c => c.GetParameters().Length == 0);
        if (parameterless is not null || (recordType.IsValueType && constructors.Length == 0))
        {
            return parameterless;
        }

        // A positional record (or any class without a parameterless constructor) is built through the public
        // constructor whose parameters all name stored columns (by name ignoring case, and type): the widest one.
        ConstructorInfo? best = constructors
            .Where(c => c.GetParameters().All(p => columns.Count(col => Matches(p, col)) == 1))
            .OrderByDescending(c => c.GetParameters().Length)
            .FirstOrDefault();
        if (best is null)
        {
            string shown = constructors.Length == 0
                ? "it has no public constructor"
                : "no public constructor has only parameters that match a stored property by name and type ("
                  + string.Join("; ", constructors.Select(c => string.Join(", ", c.GetParameters().Select(p => $"{FriendlyName(p.ParameterType)} {p.Name}")))) + ")";
            problems.Add($"'{recordType.Name}' cannot be read back: {shown}. Add a public parameterless constructor, or a constructor whose parameters are named like its properties.");
        }

        return best;
    }

    private static bool Matches(ParameterInfo parameter, ShapeColumn column)
        => string.Equals(parameter.Name, column.Member.Name, StringComparison.OrdinalIgnoreCase) && parameter.ParameterType == column.MemberType;

    private static bool IsIgnored(MemberInfo member)
        => member.GetCustomAttribute<JsonIgnoreAttribute>() is not null || member.GetCustomAttribute<ParquetIgnoreAttribute>() is not null;

    private static string ColumnName(MemberInfo member) => member.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? member.Name;

    /// <summary>The type a member's values are stored as, or <c>null</c> when the type is not storable.</summary>
    public static Type? StoreTypeOf(Type type)
    {
        Type bare = Nullable.GetUnderlyingType(type) ?? type;
        if (bare.IsEnum)
        {
            return Enum.GetUnderlyingType(bare);
        }

        return StoreTypes.GetValueOrDefault(bare);
    }

    private static string Suggest(Type type)
    {
        Type bare = Nullable.GetUnderlyingType(type) ?? type;
        string? ns = bare.Namespace;
        return (ns, bare.Name) switch
        {
            ("NodaTime", "Instant" or "ZonedDateTime" or "OffsetDateTime") => "store the instant as a DateTime in UTC (instant.ToDateTimeUtc())",
            ("NodaTime", "LocalDate") => "store it as DateOnly (localDate.ToDateOnly())",
            ("NodaTime", "LocalTime") => "store it as TimeOnly (localTime.ToTimeOnly())",
            ("NodaTime", "LocalDateTime") => "store it as a DateTime (localDateTime.ToDateTimeUnspecified())",
            ("NodaTime", "Duration" or "Period") => "store it as a long count of ticks or a double of seconds",
            ("NodaTime", _) => "store it as a DateTime (UTC), DateOnly, TimeOnly or string",
            ("System", nameof(DateTimeOffset)) => "store the instant as a DateTime in UTC (value.UtcDateTime), and the offset in a separate column if it matters",
            ("System", nameof(TimeSpan)) => "store it as a long count of ticks (value.Ticks) or a double of seconds",
            ("System", nameof(Char)) => "store it as a string",
            ("System", nameof(Half)) => "store it as a float",
            ("System", nameof(Int128) or nameof(UInt128)) => "store it as a decimal or a string",
            ("System.Numerics", "BigInteger") => "store it as a decimal or a string",
            ("System", nameof(Object)) => "use a concrete scalar type",
            _ when bare != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(bare)
                => "records are flat, one value per column: store one row per element, or the collection as a string (for example JSON)",
            _ => "records are flat: use one column per value (bool, integer types, float, double, decimal, string, byte[], DateTime, DateOnly, TimeOnly, Guid, enums, or nullable of these), or store the value as a string (for example JSON)",
        };
    }

    internal static string FriendlyName(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } inner)
        {
            return FriendlyName(inner) + "?";
        }

        if (!type.IsGenericType)
        {
            return type.FullName ?? type.Name;
        }

        string name = type.GetGenericTypeDefinition().FullName ?? type.Name;
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        return $"{(tick < 0 ? name : name[..tick])}<{string.Join(", ", type.GetGenericArguments().Select(FriendlyName))}>";
    }
}

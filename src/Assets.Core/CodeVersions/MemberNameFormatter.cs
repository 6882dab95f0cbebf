using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace Assets.CodeVersions;

/// <summary>
/// Writes types, methods and fields as stable text for a code version: names, never metadata
/// tokens, never assembly names or versions, with the ordinals of compiler-generated names removed
/// and the hashed method's own declaring type written as <c>&lt;owner&gt;</c>.
/// </summary>
/// <remarks>
/// Why <c>&lt;owner&gt;</c>: a code version says what the body computes, not where it lives. Renaming
/// or moving the class that holds an asset method is a refactoring that does not change the data it
/// produces, so it must not mark the asset stale; the asset's identity is its key, tracked elsewhere.
/// The same holds for the method's own name, which is never written (a recursive call is written
/// as <c>self</c>) and which compiler-generated names embed (<c>&lt;Orders&gt;b__3_0</c>), so it is
/// removed from them too.
/// </remarks>
internal sealed partial class MemberNameFormatter
{
    private readonly Type? _owner;
    private readonly Dictionary<Type, string> _typeNames = [];

    /// <summary>Creates a formatter that writes <paramref name="owner"/> (a type definition) as <c>&lt;owner&gt;</c>.</summary>
    public MemberNameFormatter(Type? owner) => _owner = owner;

    /// <summary>
    /// The name of a compiler-generated member without what shifts when unrelated code changes.
    /// Roslyn names helpers <c>&lt;Method&gt;kind__ordinals</c>: <c>&lt;Orders&gt;b__3_0</c> (lambda),
    /// <c>&lt;Orders&gt;g__Local|3_0</c> (local function), <c>&lt;Orders&gt;d__3</c> (state machine;
    /// <c>&lt;&lt;Orders&gt;g__Local|3_0&gt;d</c> for one of a local function or lambda),
    /// <c>&lt;&gt;c__DisplayClass3_0</c> (closure), <c>&lt;&gt;9__3_0</c> (cached delegate),
    /// <c>&lt;&gt;f__AnonymousType0`2</c> (anonymous type). The method ordinal moves when a method is
    /// added before it in the class, the lambda ordinal when a lambda is added before it in the method,
    /// the anonymous type ordinal when one is added anywhere in the assembly. Trailing ordinals are
    /// removed (a generic arity <c>`2</c> is kept; so are the ordinals of fields numbered within one
    /// body, such as hoisted locals <c>&lt;x&gt;5__2</c> and awaiters <c>&lt;&gt;u__1</c>, which only
    /// move when that body changes), and for lambdas, local functions and state
    /// machines the containing method's name between the brackets is removed as well. Which helper is
    /// meant is still told apart because the caller numbers helpers by first use and hashes their bodies.
    /// Names without <c>&lt;</c> are returned unchanged.
    /// </summary>
    public static string NormalizeGeneratedName(string name)
    {
        if (!name.Contains('<', StringComparison.Ordinal))
        {
            return name;
        }

        var close = name.LastIndexOf('>');
        if (close < 0)
        {
            return name;
        }

        var prefix = name[..(close + 1)];
        var suffix = name[(close + 1)..];
        if (!HasBodyLocalOrdinal(suffix))
        {
            suffix = TrailingOrdinals().Replace(suffix, "");
        }

        // A state machine of a lambda or local function has no ordinal of its own: <<Orders>g__Local|3_0>d.
        if (suffix == "d"
            || suffix.StartsWith("b__", StringComparison.Ordinal)
            || suffix.StartsWith("g__", StringComparison.Ordinal)
            || suffix.StartsWith("d__", StringComparison.Ordinal))
        {
            prefix = "<>";
        }

        return prefix + suffix;
    }

    // The fields of a state machine or closure numbered within that one body, so that their numbers
    // do not move with unrelated code and tell fields of the same type apart: hoisted locals
    // (<x>5__2, <>7__wrap1, <>s__3), awaiters (<>u__1), closure locals (<>8__1), and finally
    // methods (<>m__Finally1).
    private static bool HasBodyLocalOrdinal(string suffix)
        => suffix.Length >= 3
            && suffix[1] == '_' && suffix[2] == '_'
            && suffix[0] is '5' or '7' or '8' or 's' or 'u' or 'm';

    /// <summary>A type: <c>Namespace.Outer+Inner`1&lt;System.Int32&gt;</c>, <c>!0</c>/<c>!!0</c> for generic parameters.</summary>
    public string Type(Type type)
    {
        if (_typeNames.TryGetValue(type, out var known))
        {
            return known;
        }

        var name = Compute(type);
        _typeNames[type] = name;
        return name;
    }

    /// <summary>A method: declaring type, name, generic arguments, parameter types and return type.</summary>
    public string Method(MethodBase method)
    {
        var text = new StringBuilder();
        text.Append(method.DeclaringType is { } declaring ? Type(declaring) : "<module>")
            .Append("::")
            .Append(NormalizeGeneratedName(method.Name));
        if (method is MethodInfo { IsGenericMethod: true } generic)
        {
            AppendList(text, '<', generic.GetGenericArguments(), '>');
        }

        AppendList(text, '(', method.GetParameters().Select(p => p.ParameterType), ')');
        if (method is MethodInfo info)
        {
            text.Append(':').Append(Type(info.ReturnType));
        }

        return text.ToString();
    }

    /// <summary>A field: declaring type, name and field type.</summary>
    public string Field(FieldInfo field)
        => (field.DeclaringType is { } declaring ? Type(declaring) : "<module>")
            + "::" + NormalizeGeneratedName(field.Name) + ":" + Type(field.FieldType);

    private string Compute(Type type)
    {
        if (type.IsGenericParameter)
        {
            return (type.DeclaringMethod is null ? "!" : "!!")
                + type.GenericParameterPosition.ToString(CultureInfo.InvariantCulture);
        }

        if (type.IsByRef)
        {
            return Type(type.GetElementType()!) + "&";
        }

        if (type.IsPointer)
        {
            return Type(type.GetElementType()!) + "*";
        }

        if (type.IsArray)
        {
            var rank = type.GetArrayRank();
            return Type(type.GetElementType()!)
                + (type.IsSZArray ? "[]" : rank == 1 ? "[*]" : "[" + new string(',', rank - 1) + "]");
        }

        if (type.IsFunctionPointer)
        {
            var text = new StringBuilder(type.IsUnmanagedFunctionPointer ? "unmanaged fnptr" : "fnptr");
            AppendList(text, '(', type.GetFunctionPointerParameterTypes(), ')');
            return text.Append(':').Append(Type(type.GetFunctionPointerReturnType())).ToString();
        }

        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            var text = new StringBuilder(Type(type.GetGenericTypeDefinition()));
            AppendList(text, '<', type.GetGenericArguments(), '>');
            return text.ToString();
        }

        if (_owner is not null && type == _owner)
        {
            return "<owner>";
        }

        var simple = NormalizeGeneratedName(type.Name);
        if (type.DeclaringType is { } declaring)
        {
            return Type(declaring) + "+" + simple;
        }

        return string.IsNullOrEmpty(type.Namespace) ? simple : type.Namespace + "." + simple;
    }

    private void AppendList(StringBuilder text, char open, IEnumerable<Type> types, char close)
    {
        text.Append(open);
        var first = true;
        foreach (var type in types)
        {
            if (!first)
            {
                text.Append(',');
            }

            text.Append(Type(type));
            first = false;
        }

        text.Append(close);
    }

    // A run of digits (with '_' between groups) at the end, after a letter, '_' or '|', before an
    // optional generic arity: the 3_0 of b__3_0, the 0 of AnonymousType0`2, not the 9 of <>9.
    [GeneratedRegex(@"(?<=[A-Za-z_|])[0-9]+(?:_[0-9]+)*(?=(?:`[0-9]+)?$)", RegexOptions.CultureInvariant)]
    private static partial Regex TrailingOrdinals();
}

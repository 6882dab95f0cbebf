using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Assets;

/// <summary>
/// The name of an asset: one or more segments joined by <c>/</c> (<c>raw_orders</c>,
/// <c>sales/raw_orders</c>). Each segment is lower-case letters, digits, <c>_</c> and <c>-</c>, starts
/// with a letter or digit and is at most 100 characters, so a key is always safe as a path or an
/// object key: it cannot be empty, contain <c>..</c>, a control character or a separator of its own.
/// Two keys are equal when their text is equal (ordinal).
/// </summary>
public sealed class AssetKey : IEquatable<AssetKey>, IComparable<AssetKey>
{
    private const int MaxSegmentLength = 100;

    private AssetKey(string value) => Value = value;

    /// <summary>The canonical text, segments joined by <c>/</c>.</summary>
    public string Value { get; }

    /// <summary>The segments of the key, outermost prefix first.</summary>
    public IReadOnlyList<string> Segments => Value.Split('/');

    /// <summary>The last segment: the asset's own name without its prefix.</summary>
    public string Name => Value[(Value.LastIndexOf('/') + 1)..];

    /// <summary>Parses a key; throws <see cref="FormatException"/> with the rule when it is invalid.</summary>
    public static AssetKey Parse(string text)
        => TryParse(text, out var key, out var error) ? key : throw new FormatException(error);

    /// <summary>Parses a key, or says why it is not one.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out AssetKey? key, [NotNullWhen(false)] out string? error)
    {
        key = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "An asset key must not be empty.";
            return false;
        }

        foreach (var segment in text.Split('/'))
        {
            if (!IsValidSegment(segment))
            {
                error = $"'{Printable(text)}' is not a valid asset key: each '/'-separated segment must be 1 to {MaxSegmentLength} "
                    + "characters of a-z, 0-9, '_' or '-', starting with a letter or digit (for example 'raw_orders' or 'sales/raw_orders').";
                return false;
            }
        }

        key = new AssetKey(text);
        error = null;
        return true;
    }

    /// <summary>
    /// The key of an asset declared by a method: the method name in snake_case
    /// (<c>RawOrders</c> becomes <c>raw_orders</c>), under an optional prefix.
    /// </summary>
    public static AssetKey FromMethodName(string methodName, string? prefix = null)
    {
        var name = ToSnakeCase(Preconditions.CheckNotBlank(methodName));
        return Parse(string.IsNullOrEmpty(prefix) ? name : prefix.Trim('/') + "/" + name);
    }

    /// <summary>
    /// snake_case of a .NET identifier: a word starts at an upper-case letter that follows a lower-case
    /// letter or digit, or that ends an acronym (<c>ABTest</c> becomes <c>ab_test</c>).
    /// </summary>
    public static string ToSnakeCase(string identifier)
    {
        var builder = new StringBuilder(identifier.Length + 8);
        for (var i = 0; i < identifier.Length; i++)
        {
            var c = identifier[i];
            if (char.IsUpper(c))
            {
                var previous = i > 0 ? identifier[i - 1] : '\0';
                var next = i + 1 < identifier.Length ? identifier[i + 1] : '\0';
                var startsWord = i > 0 && previous != '_'
                    && (char.IsLower(previous) || char.IsDigit(previous) || (char.IsUpper(previous) && char.IsLower(next)));
                if (startsWord)
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static bool IsValidSegment(string segment)
    {
        if (segment.Length is 0 or > MaxSegmentLength || !IsLetterOrDigit(segment[0]))
        {
            return false;
        }

        foreach (var c in segment)
        {
            if (!IsLetterOrDigit(c) && c != '_' && c != '-')
            {
                return false;
            }
        }

        return true;

        static bool IsLetterOrDigit(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
    }

    /// <summary>Text safe to put in a message: control characters shown as escapes.</summary>
    internal static string Printable(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c);
        }

        return builder.ToString();
    }

    /// <inheritdoc />
    public bool Equals(AssetKey? other) => other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as AssetKey);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <inheritdoc />
    public int CompareTo(AssetKey? other) => other is null ? 1 : string.CompareOrdinal(Value, other.Value);

    /// <inheritdoc />
    public override string ToString() => Value;

    /// <summary>Equality by value.</summary>
    public static bool operator ==(AssetKey? left, AssetKey? right) => Equals(left, right);

    /// <summary>Inequality by value.</summary>
    public static bool operator !=(AssetKey? left, AssetKey? right) => !Equals(left, right);

    /// <summary>Ordinal order of the text.</summary>
    public static bool operator <(AssetKey? left, AssetKey? right) => Compare(left, right) < 0;

    /// <summary>Ordinal order of the text.</summary>
    public static bool operator <=(AssetKey? left, AssetKey? right) => Compare(left, right) <= 0;

    /// <summary>Ordinal order of the text.</summary>
    public static bool operator >(AssetKey? left, AssetKey? right) => Compare(left, right) > 0;

    /// <summary>Ordinal order of the text.</summary>
    public static bool operator >=(AssetKey? left, AssetKey? right) => Compare(left, right) >= 0;

    private static int Compare(AssetKey? left, AssetKey? right) => left is null ? (right is null ? 0 : -1) : left.CompareTo(right);
}

using System.Diagnostics.CodeAnalysis;

using Assets.Storage.Roots;

namespace Assets.Storage.Objects;

/// <summary>
/// The name of an object relative to a storage root: segments joined by <c>/</c>, each 1 to 255
/// characters, none of them <c>.</c> or <c>..</c>, with no control characters, backslashes or leading,
/// trailing or doubled <c>/</c>. Valid keys therefore never escape their root, whether the root is a
/// folder or an S3 prefix. Equality is ordinal.
/// </summary>
public readonly record struct ObjectKey
{
    private const int MaxSegmentLength = 255;
    private const int MaxLength = 1024;

    private ObjectKey(string value) => Value = value;

    /// <summary>The key's text.</summary>
    public string Value { get; }

    /// <summary>The key's segments.</summary>
    public IReadOnlyList<string> Segments => Value.Split('/');

    /// <summary>The last segment.</summary>
    public string Name => Value[(Value.LastIndexOf('/') + 1)..];

    /// <summary>Validates a key.</summary>
    public static bool TryParse(string? text, out ObjectKey key, [NotNullWhen(false)] out string? error)
    {
        key = default;
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength)
        {
            error = $"An object key must be 1 to {MaxLength} characters.";
            return false;
        }

        foreach (var segment in text.Split('/'))
        {
            if (segment.Length is 0 or > MaxSegmentLength || segment is "." or ".." || HasUnsafeCharacter(segment))
            {
                error = $"'{StorageRoot.Printable(text)}' is not a safe object key: segments must be 1 to {MaxSegmentLength} characters, "
                    + "not '.' or '..', without control characters or backslashes, and the key must not start or end with '/'.";
                return false;
            }
        }

        key = new ObjectKey(text);
        error = null;
        return true;
    }

    /// <summary>A control character or a backslash (a loop rather than LINQ: listings check every key of a root).</summary>
    private static bool HasUnsafeCharacter(string segment)
    {
        foreach (var c in segment)
        {
            if (char.IsControl(c) || c == '\\')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Validates a key; throws <see cref="ArgumentException"/> saying why it is unsafe.</summary>
    public static ObjectKey Parse(string text)
        => TryParse(text, out var key, out var error) ? key : throw new ArgumentException(error, nameof(text));

    /// <summary>Joins validated segments into a key.</summary>
    public static ObjectKey Join(params string[] segments) => Parse(string.Join('/', segments));

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;
}

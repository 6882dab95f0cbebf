using System.Diagnostics.CodeAnalysis;

namespace Assets.Storage.Roots;

/// <summary>
/// Where an Assets project keeps its data, manifests and pointers: a local folder
/// (<see cref="LocalStorageRoot"/>, the embedded default) or an S3 bucket and prefix
/// (<see cref="S3StorageRoot"/>, written <c>s3://bucket/prefix</c>). Parsing validates the text, so
/// nothing a user configures reaches a path or an object key unchecked.
/// </summary>
public abstract record StorageRoot
{
    private protected StorageRoot()
    {
    }

    /// <summary>Parses a root; relative local paths are resolved against <paramref name="baseDirectory"/>.</summary>
    public static bool TryParse(string? text, string baseDirectory, [NotNullWhen(true)] out StorageRoot? root, [NotNullWhen(false)] out string? error)
    {
        root = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "The root is empty: give a folder (./.assets) or an S3 location (s3://bucket/prefix).";
            return false;
        }

        if (text.Any(char.IsControl))
        {
            error = $"The root '{Printable(text)}' contains a control character: give a folder or s3://bucket/prefix.";
            return false;
        }

        if (text.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
        {
            return S3StorageRoot.TryParse(text, out root, out error);
        }

        if (text.Contains("://", StringComparison.Ordinal))
        {
            error = $"The root '{text}' has a scheme Assets does not know: give a folder or s3://bucket/prefix.";
            return false;
        }

        try
        {
            root = new LocalStorageRoot(Path.GetFullPath(text, baseDirectory));
            error = null;
            return true;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            error = $"The root '{text}' is not a valid folder path: {e.Message}";
            return false;
        }
    }

    /// <summary>Parses a root; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static StorageRoot Parse(string? text, string baseDirectory)
        => TryParse(text, baseDirectory, out var root, out var error) ? root : throw new FormatException(error);

    internal static string Printable(string text) => AssetKey.Printable(text);
}

/// <summary>A root in a local folder, by its absolute path.</summary>
/// <param name="Path">The absolute path of the folder.</param>
public sealed record LocalStorageRoot(string Path) : StorageRoot
{
    /// <inheritdoc />
    public override string ToString() => Path;
}

/// <summary>
/// A root in an S3 bucket under a prefix (no leading or trailing <c>/</c>; empty for the bucket's top).
/// The bucket follows S3's naming rules; the prefix has no empty, <c>.</c> or <c>..</c> segments.
/// </summary>
public sealed record S3StorageRoot : StorageRoot
{
    private S3StorageRoot(string bucket, string prefix)
    {
        Bucket = bucket;
        Prefix = prefix;
    }

    /// <summary>The bucket's name.</summary>
    public string Bucket { get; }

    /// <summary>The key prefix every object of the root starts with, without a trailing <c>/</c>.</summary>
    public string Prefix { get; }

    /// <inheritdoc />
    public override string ToString() => Prefix.Length == 0 ? $"s3://{Bucket}" : $"s3://{Bucket}/{Prefix}";

    internal static bool TryParse(string text, [NotNullWhen(true)] out StorageRoot? root, [NotNullWhen(false)] out string? error)
    {
        root = null;
        var rest = text["s3://".Length..].TrimEnd('/');
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? string.Empty : rest[(slash + 1)..];
        if (!IsValidBucket(bucket))
        {
            error = $"'{bucket}' in the root '{text}' is not a valid S3 bucket name: 3 to 63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit.";
            return false;
        }

        if (prefix.Length > 0 && prefix.Split('/').Any(s => s.Length == 0 || s is "." or ".." || s.Any(c => char.IsWhiteSpace(c) || c == '\\')))
        {
            error = $"The prefix '{prefix}' in the root '{text}' has an empty, '.' or '..' segment, a space or a backslash: write s3://bucket/some/prefix.";
            return false;
        }

        root = new S3StorageRoot(bucket, prefix);
        error = null;
        return true;
    }

    private static bool IsValidBucket(string bucket)
        => bucket.Length is >= 3 and <= 63
            && bucket.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-')
            && char.IsAsciiLetterOrDigit(bucket[0]) && char.IsAsciiLetterOrDigit(bucket[^1])
            && !bucket.Contains("..", StringComparison.Ordinal);
}

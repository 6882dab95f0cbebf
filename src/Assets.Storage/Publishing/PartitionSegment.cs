using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Assets.Partitions;

namespace Assets.Storage.Publishing;

/// <summary>
/// A partition key encoded reversibly into one path segment: every byte of its UTF-8 form outside
/// <c>[A-Za-z0-9._-]</c> is percent-encoded (upper-case hex), and so are the dots of <c>.</c> and
/// <c>..</c> and the <c>_</c> of a key that is just <c>_</c>, because the unpartitioned asset's segment is
/// <c>_</c>. The result never contains <c>/</c>, <c>\</c>, a control character, or a dot-only name, so a
/// key such as <c>../../etc</c> becomes the harmless <c>..%2F..%2Fetc</c>.
/// </summary>
public static class PartitionSegment
{
    /// <summary>The segment of an unpartitioned asset.</summary>
    public const string Unpartitioned = "_";

    /// <summary>Encodes a key (or <c>null</c> for an unpartitioned asset).</summary>
    public static string Encode(PartitionKey? key)
    {
        if (key is not { } k)
        {
            return Unpartitioned;
        }

        var text = k.Value;
        if (text is "." or ".." or Unpartitioned)
        {
            return string.Concat(Encoding.UTF8.GetBytes(text).Select(b => $"%{b:X2}"));
        }

        var builder = new StringBuilder(text.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (IsPlain(b))
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>Decodes a segment written by <see cref="Encode"/>; fails on anything <see cref="Encode"/> would not have written.</summary>
    public static bool TryDecode(string segment, out PartitionKey? key, [NotNullWhen(false)] out string? error)
    {
        key = null;
        error = null;
        if (segment == Unpartitioned)
        {
            return true;
        }

        var bytes = new List<byte>(segment.Length);
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            // Lower-case hex parses here but is refused below: only the canonical encoding is accepted.
            if (c == '%' && i + 2 < segment.Length
                && byte.TryParse(segment.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else if (c < 128 && IsPlain((byte)c))
            {
                bytes.Add((byte)c);
            }
            else
            {
                error = $"'{segment}' is not an encoded partition segment.";
                return false;
            }
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            error = $"'{segment}' does not decode to UTF-8 text.";
            return false;
        }

        if (text.Length == 0 || Encode(new PartitionKey(text)) != segment)
        {
            error = $"'{segment}' is not the canonical encoding of a partition key.";
            return false;
        }

        key = new PartitionKey(text);
        return true;
    }

    private static bool IsPlain(byte b) => b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'.' or (byte)'_' or (byte)'-';
}

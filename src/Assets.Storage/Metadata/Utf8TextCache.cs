using System.Text;

namespace Assets.Storage.Metadata;

/// <summary>
/// Turns each distinct UTF-8 text of a result (read in place, <see cref="ChunkColumn.Utf8"/>) into its value once: asset
/// keys, partition keys and code versions repeat on thousands of rows, which then share one value instead of each
/// allocating a string to look it up. Remembers the last text, since rows usually arrive grouped.
/// </summary>
internal sealed class Utf8TextCache<T>(Func<string, T> make)
{
    private const int StackLimit = 256;

    private readonly Dictionary<string, T> _values = new(StringComparer.Ordinal);
    private byte[] _lastBytes = [];
    private T? _last;
    private bool _hasLast;

    /// <summary>The value of <paramref name="utf8"/>, made the first time the text is seen.</summary>
    public T Get(ReadOnlySpan<byte> utf8)
    {
        if (_hasLast && utf8.SequenceEqual(_lastBytes))
        {
            return _last!;
        }

        T value;
        if (utf8.Length <= StackLimit)
        {
            Span<char> chars = stackalloc char[StackLimit];
            var length = Encoding.UTF8.GetChars(utf8, chars);
            var lookup = _values.GetAlternateLookup<ReadOnlySpan<char>>();
            if (!lookup.TryGetValue(chars[..length], out value!))
            {
                var text = new string(chars[..length]);
                value = make(text);
                _values.Add(text, value);
            }
        }
        else
        {
            var text = Encoding.UTF8.GetString(utf8);
            if (!_values.TryGetValue(text, out value!))
            {
                value = make(text);
                _values.Add(text, value);
            }
        }

        if (_lastBytes.Length == utf8.Length)
        {
            utf8.CopyTo(_lastBytes);
        }
        else
        {
            _lastBytes = utf8.ToArray();
        }

        _last = value;
        _hasLast = true;
        return value;
    }
}

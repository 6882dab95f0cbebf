using System.Diagnostics.CodeAnalysis;
using NodaTime;

namespace Assets.Partitions;

/// <summary>
/// Partitions that are a fixed, ordered list of distinct keys (<c>us</c>, <c>eu</c>, <c>apac</c>). Every key
/// exists at all times. A key is 1 to 100 characters of letters, digits, <c>.</c>, <c>_</c> and <c>-</c>, and
/// not <c>.</c> or <c>..</c>, so it is safe in a path and never contains the <c>|</c> of a two-dimensional key.
/// Immutable; equal when the keys are equal in the same order.
/// </summary>
public sealed class StaticPartitionsDefinition : PartitionsDefinition
{
    private const int MaxKeyLength = 100;
    private const int DescribedKeys = 10;

    private readonly PartitionKey[] _keys;
    private readonly Dictionary<string, int> _indexes;

    /// <summary>Creates the definition; throws <see cref="DefinitionException"/> when the list is empty, has a duplicate or an invalid key.</summary>
    public StaticPartitionsDefinition(IEnumerable<string> keys)
    {
        Preconditions.CheckNotNull(keys);
        var list = keys.ToList();
        if (list.Count == 0)
        {
            throw new DefinitionException("Static partitions need at least one key, for example [StaticPartitions(\"us\", \"eu\")].");
        }

        _indexes = new Dictionary<string, int>(list.Count, StringComparer.Ordinal);
        _keys = new PartitionKey[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            var key = list[i];
            if (!IsValidKey(key))
            {
                throw new DefinitionException(
                    $"'{AssetKey.Printable(key ?? string.Empty)}' is not a valid static partition key: use 1 to {MaxKeyLength} letters, digits, '.', '_' or '-' "
                    + "(not '.' or '..'), for example 'eu-west'.");
            }

            if (!_indexes.TryAdd(key!, i))
            {
                throw new DefinitionException($"The static partition key '{key}' is listed twice: remove the duplicate.");
            }

            _keys[i] = new PartitionKey(key!);
        }
    }

    /// <summary>Creates the definition from the keys in order.</summary>
    public StaticPartitionsDefinition(params string[] keys)
        : this((IEnumerable<string>)keys)
    {
    }

    /// <summary>The keys, in declaration order.</summary>
    public IReadOnlyList<PartitionKey> Keys => _keys;

    /// <inheritdoc />
    public override string Kind => "static";

    /// <summary>The position of <paramref name="key"/>; throws <see cref="PartitionKeyException"/> when it is not one of the keys.</summary>
    public int IndexOf(PartitionKey key)
        => TryGetIndex(key, out var index) ? index : throw new PartitionKeyException(Rejection(key.Value));

    /// <summary>The position of <paramref name="key"/>, or <c>false</c> when it is not one of the keys.</summary>
    public bool TryGetIndex(PartitionKey key, out int index)
    {
        index = -1;
        return key.ToString() is { Length: > 0 } text && _indexes.TryGetValue(text, out index);
    }

    /// <inheritdoc />
    public override IReadOnlyList<PartitionKey> GetKeys(Instant asOf) => _keys;

    /// <inheritdoc />
    public override string Describe() => $"static ({ListKeys()})";

    /// <inheritdoc />
    public override string DescribeKeyForm() => $"one of {ListKeys()}";

    /// <inheritdoc />
    public override bool TryParseKey(string? text, out PartitionKey key, [NotNullWhen(false)] out string? errorMessage)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        if (_indexes.TryGetValue(trimmed, out var index))
        {
            key = _keys[index];
            errorMessage = null;
            return true;
        }

        key = default;
        errorMessage = Rejection(trimmed);
        return false;
    }

    /// <inheritdoc />
    public override bool Equals(PartitionsDefinition? other)
        => other is StaticPartitionsDefinition that && _keys.AsSpan().SequenceEqual(that._keys);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var key in _keys)
        {
            hash.Add(key);
        }

        return hash.ToHashCode();
    }

    private static bool IsValidKey([NotNullWhen(true)] string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength || key is "." or "..")
        {
            return false;
        }

        foreach (var c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private string Rejection(string text)
    {
        var shown = AssetKey.Printable(text.Length > 100 ? text[..100] + "..." : text);
        return $"'{shown}' is not a static partition key of this asset: expected {DescribeKeyForm()}";
    }

    private string ListKeys()
    {
        var shown = string.Join(", ", _keys.Take(DescribedKeys));
        return _keys.Length > DescribedKeys ? $"{shown} and {_keys.Length - DescribedKeys} more" : shown;
    }
}

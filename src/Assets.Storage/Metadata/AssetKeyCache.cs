namespace Assets.Storage.Metadata;

/// <summary>
/// Parses each distinct asset key text once while a query's rows are read: a status grid holds thousands of
/// rows per asset, and they can then share one <see cref="AssetKey"/>.
/// </summary>
internal sealed class AssetKeyCache
{
    private readonly Dictionary<string, AssetKey> _keys = new(StringComparer.Ordinal);
    private string? _lastText;
    private AssetKey? _last;

    public AssetKey Get(string text)
    {
        // Rows usually arrive grouped by asset: compare with the previous one before hashing.
        if (_last is not null && string.Equals(text, _lastText, StringComparison.Ordinal))
        {
            return _last;
        }

        if (!_keys.TryGetValue(text, out var key))
        {
            key = AssetKey.Parse(text);
            _keys.Add(text, key);
        }

        _lastText = text;
        _last = key;
        return key;
    }
}

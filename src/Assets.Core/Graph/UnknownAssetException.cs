namespace Assets.Graph;

/// <summary>A user named an asset that is not in the graph; the message suggests the closest key.</summary>
public sealed class UnknownAssetException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UnknownAssetException(string key, string? suggestion)
        : base($"There is no asset '{AssetKey.Printable(key)}'"
            + (suggestion is null ? "; run 'list' to see the asset keys." : $"; did you mean '{suggestion}'?"))
    {
        Key = key;
        Suggestion = suggestion;
    }

    /// <summary>The key as the user wrote it.</summary>
    public string Key { get; }

    /// <summary>The closest existing key, when one is close enough to be a typo.</summary>
    public string? Suggestion { get; }
}

namespace Assets.Selection;

/// <summary>A selection a user wrote is malformed or names something that does not exist; the message says what to write.</summary>
public sealed class AssetSelectionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AssetSelectionException(string message) : base(message)
    {
    }
}

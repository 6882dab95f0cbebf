namespace Assets;

/// <summary>
/// One thing wrong with a single declaration (an attribute value, a signature), raised while a
/// definition is read. The graph builder collects these into <see cref="Graph.AssetDefinitionException"/>
/// so that every error of a project is reported at once.
/// </summary>
public sealed class DefinitionException : Exception
{
    /// <summary>Creates the error; <paramref name="message"/> says what is wrong and how to fix it.</summary>
    public DefinitionException(string message) : base(message)
    {
    }

    /// <summary>Creates the error with the exception that revealed it.</summary>
    public DefinitionException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

namespace Assets;

/// <summary>
/// Thrown by an asset body when the source of its partition has not arrived yet (a day's export file
/// is not there). The partition is reported as waiting for its source, not as crashed, and is not
/// retried in a loop: it is picked up again when the source arrives.
/// </summary>
public sealed class SourceNotArrivedException : NonRetryableException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="source">What was expected, for people: a path or a URI.</param>
    public SourceNotArrivedException(string source)
        : base($"The source has not arrived yet: {source}.")
        => Source = source;

    /// <summary>What was expected, for people: a path or a URI.</summary>
    public new string Source { get; }
}

namespace Assets.Backfills;

/// <summary>A backfill command cannot be carried out as asked (unknown id, already completed, running elsewhere); the message says what to do.</summary>
public sealed class BackfillStateException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BackfillStateException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public BackfillStateException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public BackfillStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The live process running the backfill, when that is why; <c>null</c> otherwise.</summary>
    public BackfillOwner? RunningIn { get; init; }
}

namespace Assets.Testing;

/// <summary>
/// Thrown by the assertions of <see cref="InMemoryAssets"/> and <see cref="AssetsAssert"/> when what was materialized
/// differs from what a test expects. Test frameworks report any exception as a failure, so this one serves xUnit,
/// NUnit and MSTest alike; its message says what was expected and what the store holds.
/// </summary>
public sealed class AssetsAssertionException : Exception
{
    /// <summary>Creates the exception with the message that explains the difference.</summary>
    public AssetsAssertionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public AssetsAssertionException()
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public AssetsAssertionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

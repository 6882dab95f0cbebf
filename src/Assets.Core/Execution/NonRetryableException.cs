namespace Assets;

/// <summary>
/// Thrown by an asset body to fail its materialization at once, without the retries its
/// <see cref="RetryPolicy"/> would give a transient error (bad input that a retry cannot fix).
/// </summary>
public class NonRetryableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NonRetryableException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public NonRetryableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

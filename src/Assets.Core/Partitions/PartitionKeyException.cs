namespace Assets.Partitions;

/// <summary>
/// A partition key given by a user (on the command line, in a test, in an API call) is malformed or
/// outside its definition's range. The message shows the valid form and range.
/// </summary>
public sealed class PartitionKeyException : Exception
{
    /// <summary>Creates the error.</summary>
    public PartitionKeyException(string message) : base(message)
    {
    }
}

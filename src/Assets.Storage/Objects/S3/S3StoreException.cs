namespace Assets.Storage.Objects.S3;

/// <summary>
/// An S3 request failed for a reason a retry cannot fix: the bucket does not exist, access was denied, or
/// the credentials are not valid. The message names the bucket and the endpoint and says what to change;
/// it never holds a secret key. Not retried by the executor (a <see cref="NonRetryableException"/>).
/// </summary>
public sealed class S3StoreException : NonRetryableException
{
    /// <summary>Creates the exception.</summary>
    public S3StoreException(string message, string bucket, string endpoint, string? errorCode, Exception? innerException)
        : base(message, innerException!)
    {
        Bucket = bucket;
        Endpoint = endpoint;
        ErrorCode = errorCode;
    }

    /// <summary>The bucket the request went to.</summary>
    public string Bucket { get; }

    /// <summary>Where the request went (a service URL without user information, or AWS S3 and its region).</summary>
    public string Endpoint { get; }

    /// <summary>S3's error code (<c>NoSuchBucket</c>, <c>AccessDenied</c>, <c>InvalidAccessKeyId</c>, ...), when there was one.</summary>
    public string? ErrorCode { get; }
}

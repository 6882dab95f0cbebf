using System.Net;
using System.Reflection;

namespace Assets.Execution;

/// <summary>
/// Which failures of an attempt are worth another attempt. Only errors that a later attempt can reasonably
/// not meet again are transient: I/O errors, timeouts, HTTP 5xx/408/429 (and no status: the connection
/// broke), a task cancelled by something other than the run (an HTTP client's timeout), and AWS service
/// errors with 5xx, 429, 409 or 408 status (throttling such as S3's 503 SlowDown, and conflicts on
/// retryable calls). Everything else fails at once: <see cref="NonRetryableException"/> (and so
/// <see cref="SourceNotArrivedException"/>), check failures, definition errors, authorization failures,
/// data format errors, argument errors, and any exception the framework does not know to be transient.
/// </summary>
internal static class TransientErrors
{
    /// <summary>Whether <paramref name="error"/> is worth retrying, given the run's own token.</summary>
    public static bool IsTransient(Exception error, CancellationToken runToken) => error switch
    {
        NonRetryableException => false,
        UnauthorizedAccessException => false,
        IOException => true,
        TimeoutException => true,
        HttpRequestException http => http.StatusCode is null || IsTransientStatus(http.StatusCode.Value),

        // The run's cancellation is never retried; a timeout inside the body (HttpClient) is.
        TaskCanceledException => !runToken.IsCancellationRequested,
        _ => IsTransientAwsError(error),
    };

    private static bool IsTransientStatus(HttpStatusCode status)
        => (int)status >= 500 || status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;

    /// <summary>
    /// <c>AmazonServiceException</c> (and <c>AmazonS3Exception</c>, derived from it) recognized by name, since Core
    /// cannot reference the AWS SDK; the status comes from its <c>StatusCode</c> property.
    /// </summary>
    private static bool IsTransientAwsError(Exception error)
    {
        for (var type = error.GetType(); type is not null && type != typeof(Exception); type = type.BaseType)
        {
            if (type.Name is "AmazonServiceException" or "AmazonS3Exception")
            {
                var property = error.GetType().GetProperty("StatusCode", BindingFlags.Public | BindingFlags.Instance);
                return property?.PropertyType == typeof(HttpStatusCode)
                    && property.GetValue(error) is HttpStatusCode status
                    && (IsTransientStatus(status) || status == HttpStatusCode.Conflict);
            }
        }

        return false;
    }
}

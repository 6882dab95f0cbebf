using System.Globalization;
using System.Net;
using System.Net.Sockets;

using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Assets.Storage.Objects.S3;

public sealed partial class S3ObjectStore
{
    // Reading an object's version, telling a missing object from a missing bucket, and failures a user must fix.
    private async Task<ObjectVersion?> CurrentVersionAsync(string fullKey, CancellationToken cancellationToken)
        => Version((await HeadAsync(fullKey, "check", cancellationToken).ConfigureAwait(false))?.ETag);

    /// <summary>HEAD an object; <c>null</c> when it does not exist (after making sure the bucket does, since a HEAD's 404 cannot tell).</summary>
    private async Task<GetObjectMetadataResponse?> HeadAsync(string fullKey, string operation, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Root.Bucket, Key = fullKey }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            await EnsureBucketExistsAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (Translate(e, operation, fullKey, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    private async Task EnsureBucketExistsAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref bucketVerified) != 0)
        {
            return;
        }

        try
        {
            await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Root.Bucket, Prefix = keyPrefix, MaxKeys = 1 }, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref bucketVerified, 1);
        }
        catch (Exception e) when (Translate(e, "list", keyPrefix, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>
    /// Turns a failure a user must fix (missing bucket, denied access, bad credentials, unreachable
    /// endpoint) into an exception that names the bucket, the endpoint and the fix; <c>null</c> leaves the
    /// original exception as it is. Messages never hold a secret: the SDK never sends one, and the endpoint
    /// is printed without user information.
    /// </summary>
    private Exception? Translate(Exception e, string operation, string? fullKey, CancellationToken cancellationToken)
    {
        if (e is S3StoreException || (e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return null;
        }

        var target = fullKey is null ? $"s3://{Root.Bucket}" : Describe(fullKey);
        var credentials = options.HasExplicitCredentials ? "the access key given in the S3 options" : "the AWS SDK's credential chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or an instance role)";
        switch (e)
        {
            case AmazonS3Exception s3 when string.Equals(s3.ErrorCode, NoSuchBucket, StringComparison.Ordinal):
                return new S3StoreException(
                    $"The S3 bucket '{Root.Bucket}' does not exist at {endpoint} (while trying to {operation} '{target}'): create it (for example 'aws s3 mb s3://{Root.Bucket}'), or fix the bucket in the root ({Location}) or the endpoint.",
                    Root.Bucket, endpoint, s3.ErrorCode, e);

            case AmazonS3Exception s3 when s3.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized
                || s3.ErrorCode is "AccessDenied" or "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "ExpiredToken" or "InvalidToken" or "TokenRefreshRequired":
                var fix = s3.ErrorCode switch
                {
                    "InvalidAccessKeyId" => $"the server does not know the access key id: check the credentials from {credentials}",
                    "SignatureDoesNotMatch" => $"the secret key does not belong to the access key: check the credentials from {credentials}",
                    "ExpiredToken" or "InvalidToken" or "TokenRefreshRequired" => $"the session credentials expired or are not valid: refresh them ({credentials})",
                    _ => $"grant the credentials from {credentials} s3:GetObject, s3:PutObject, s3:DeleteObject, s3:ListBucket and s3:AbortMultipartUpload on '{Location}', or use other credentials",
                };
                return new S3StoreException(
                    $"S3 denied the request to {operation} '{target}' at {endpoint} ({s3.ErrorCode ?? ((int)s3.StatusCode).ToString(CultureInfo.InvariantCulture)}): {fix}.",
                    Root.Bucket, endpoint, s3.ErrorCode, e);

            case AmazonServiceException { InnerException: HttpRequestException or SocketException or IOException }:
            case HttpRequestException or SocketException:
            case OperationCanceledException:
                var cause = e is OperationCanceledException ? "the request timed out" : (e.InnerException is { } inner && e is AmazonServiceException ? inner.Message : e.Message);
                return new IOException(
                    $"The S3 endpoint {endpoint} could not be reached to {operation} '{target}' ({cause}): check that the server is running and reachable, and that the endpoint and region settings are right.",
                    e);

            case AmazonClientException sdk when sdk.Message.Contains("credential", StringComparison.OrdinalIgnoreCase):
                return new S3StoreException(
                    $"No AWS credentials were found to {operation} '{target}' at {endpoint}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or run with an instance role.",
                    Root.Bucket, endpoint, null, e);

            default:
                return null;
        }
    }
}

using System.Collections.Concurrent;

using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

using Assets.Storage.Objects.S3;

namespace Assets.Storage.Tests.S3;

/// <summary>A real client that records the requests the store sends, and can make listings page small.</summary>
internal sealed class RecordingS3Client(AWSCredentials credentials, AmazonS3Config config) : AmazonS3Client(credentials, config)
{
    public static RecordingS3Client For(S3ObjectStoreOptions options)
        => new(options.CreateCredentials() ?? throw new ArgumentException("Explicit credentials are needed.", nameof(options)), options.CreateClientConfig());

    /// <summary>When set, every listing asks for pages of this many keys.</summary>
    public int? ListPageSize { get; set; }

    public ConcurrentQueue<string> Initiated { get; } = new();

    public ConcurrentQueue<string> Aborted { get; } = new();

    public ConcurrentQueue<Exception> AbortFailures { get; } = new();

    public ConcurrentQueue<int> UploadedParts { get; } = new();

    public ConcurrentQueue<(string Key, string? IfMatch, string? IfNoneMatch)> Puts { get; } = new();

    public ConcurrentQueue<string?> Completions { get; } = new();

    public int ListPages;

    public override async Task<InitiateMultipartUploadResponse> InitiateMultipartUploadAsync(InitiateMultipartUploadRequest request, CancellationToken cancellationToken = default)
    {
        var response = await base.InitiateMultipartUploadAsync(request, cancellationToken);
        Initiated.Enqueue(response.UploadId);
        return response;
    }

    public override async Task<AbortMultipartUploadResponse> AbortMultipartUploadAsync(AbortMultipartUploadRequest request, CancellationToken cancellationToken = default)
    {
        Aborted.Enqueue(request.UploadId);
        try
        {
            return await base.AbortMultipartUploadAsync(request, cancellationToken);
        }
        catch (Exception e)
        {
            AbortFailures.Enqueue(e);
            throw;
        }
    }

    public override Task<UploadPartResponse> UploadPartAsync(UploadPartRequest request, CancellationToken cancellationToken = default)
    {
        UploadedParts.Enqueue(request.PartNumber ?? 0);
        return base.UploadPartAsync(request, cancellationToken);
    }

    public override Task<CompleteMultipartUploadResponse> CompleteMultipartUploadAsync(CompleteMultipartUploadRequest request, CancellationToken cancellationToken = default)
    {
        Completions.Enqueue(request.IfNoneMatch);
        return base.CompleteMultipartUploadAsync(request, cancellationToken);
    }

    public override Task<PutObjectResponse> PutObjectAsync(PutObjectRequest request, CancellationToken cancellationToken = default)
    {
        Puts.Enqueue((request.Key, request.IfMatch, request.IfNoneMatch));
        return base.PutObjectAsync(request, cancellationToken);
    }

    public override Task<ListObjectsV2Response> ListObjectsV2Async(ListObjectsV2Request request, CancellationToken cancellationToken = default)
    {
        if (ListPageSize is { } size)
        {
            request.MaxKeys = size;
        }

        Interlocked.Increment(ref ListPages);
        return base.ListObjectsV2Async(request, cancellationToken);
    }
}

using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

using Assets.Storage.Roots;

using NodaTime;

namespace Assets.Storage.Objects.S3;

/// <summary>
/// An <see cref="IObjectStore"/> in an S3 bucket under a prefix: the object <c>k</c> is stored under
/// <c>&lt;prefix&gt;/k</c>, and an object's version is its ETag.
/// <list type="bullet">
/// <item><see cref="CreateIfAbsentAsync"/> writes with <c>If-None-Match: *</c>: one PUT up to
/// <see cref="S3ObjectStoreOptions.MultipartThreshold"/>, a multipart upload above it (completed with
/// <c>If-None-Match: *</c>, aborted on failure or cancellation).</item>
/// <item><see cref="ReplaceIfMatchAsync"/> writes with <c>If-Match: &lt;etag&gt;</c>, or <c>If-None-Match: *</c>
/// when no version is expected.</item>
/// <item>412 Precondition Failed, 409 ConditionalRequestConflict and (for <c>If-Match</c>) 404 are conflicts.</item>
/// </list>
/// S3 makes a PUT visible whole or not at all, so no write leaves a torn object. The store never uses
/// CopyObject. When the server ignores conditions (<see cref="S3ObjectStoreOptions.EnforcesConditionalWrites"/>
/// is <c>false</c>, as for s3rver), the condition is checked with a HEAD first: a best effort, since another
/// writer can still slip in between the two requests.
/// </summary>
public sealed class S3ObjectStore : IObjectStore, IDisposable
{
    private const string PreconditionFailed = "PreconditionFailed";
    private const string NoSuchBucket = "NoSuchBucket";

    private const int TornReadAttempts = 8;

    private static readonly TimeSpan AbortTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan TornReadDelay = TimeSpan.FromMilliseconds(10);

    private readonly IAmazonS3 client;
    private readonly bool ownsClient;
    private readonly S3ObjectStoreOptions options;
    private readonly string keyPrefix;
    private readonly string endpoint;
    private int bucketVerified;
    private int disposed;

    /// <summary>
    /// Creates a store over an existing client (tests, or a client configured elsewhere). Only the upload
    /// settings, <see cref="S3ObjectStoreOptions.CompatibilityMode"/>,
    /// <see cref="S3ObjectStoreOptions.EnforcesConditionalWrites"/> and the endpoint (for messages) of
    /// <paramref name="options"/> are used; the client's own configuration decides where requests go.
    /// </summary>
    /// <param name="client">The S3 client.</param>
    /// <param name="bucket">The bucket.</param>
    /// <param name="prefix">The key prefix of the root, without leading or trailing <c>/</c>; empty for the bucket's top.</param>
    /// <param name="options">Upload and compatibility settings; defaults when <c>null</c>.</param>
    /// <param name="ownsClient">Whether <see cref="Dispose"/> disposes <paramref name="client"/>.</param>
    public S3ObjectStore(IAmazonS3 client, string bucket, string prefix, S3ObjectStoreOptions? options = null, bool ownsClient = false)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(bucket);
        ArgumentNullException.ThrowIfNull(prefix);
        options ??= new S3ObjectStoreOptions();
        ThrowIfInvalid(options);

        var trimmed = prefix.Trim('/');
        var text = trimmed.Length == 0 ? $"s3://{bucket}" : $"s3://{bucket}/{trimmed}";
        if (!StorageRoot.TryParse(text, Environment.CurrentDirectory, out var root, out var error) || root is not S3StorageRoot s3Root)
        {
            throw new ArgumentException(error ?? $"'{text}' is not an S3 location.", nameof(bucket));
        }

        this.client = client;
        this.ownsClient = ownsClient;
        this.options = options.Clone();
        Root = s3Root;
        keyPrefix = s3Root.Prefix.Length == 0 ? string.Empty : s3Root.Prefix + "/";
        endpoint = this.options.DescribeEndpoint();
    }

    /// <summary>The bucket and prefix the store writes under.</summary>
    public S3StorageRoot Root { get; }

    /// <inheritdoc />
    public string Location => Root.ToString();

    /// <inheritdoc />
    public bool EnforcesConditionalWrites => options.EnforcesConditionalWrites;

    /// <summary>
    /// Creates a store for <paramref name="root"/> with a client built from <paramref name="options"/>
    /// (explicit credentials or the AWS SDK's default chain); the store owns and disposes the client.
    /// </summary>
    /// <exception cref="ArgumentException">The options are not valid; the message lists every problem.</exception>
    public static S3ObjectStore Create(S3StorageRoot root, S3ObjectStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfInvalid(options);
        AmazonS3Client client;
        try
        {
            client = options.CreateClient();
        }
        catch (AmazonClientException e)
        {
            throw new ArgumentException(
                $"The S3 client for {root} could not be created ({e.Message}): set the region ({nameof(S3ObjectStoreOptions.Region)}, or AWS_REGION) or the URL of an S3-compatible server ({nameof(S3ObjectStoreOptions.ServiceUrl)}).",
                nameof(options), e);
        }

        try
        {
            return new S3ObjectStore(client, root.Bucket, root.Prefix, options, ownsClient: true);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<StoredObject?> GetAsync(ObjectKey key, CancellationToken cancellationToken = default)
    {
        var fullKey = FullKey(key);
        for (var attempt = 1; ; attempt++)
        {
            var retry = options.CompatibilityMode && attempt < TornReadAttempts;
            try
            {
                using var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = Root.Bucket, Key = fullKey }, cancellationToken).ConfigureAwait(false);
                var buffer = new MemoryStream(response.ContentLength is > 0 and <= int.MaxValue ? (int)response.ContentLength : 0);
                await response.ResponseStream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                var content = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
                var version = Version(response.ETag) ?? await CurrentVersionAsync(fullKey, cancellationToken).ConfigureAwait(false)
                    ?? throw new IOException($"S3 returned no ETag for '{Describe(fullKey)}' at {endpoint}.");
                if (retry && !MatchesMd5(version, content.Span))
                {
                    // s3rver rewrites an object's file in place: a read during a replace can be torn.
                    await Task.Delay(TornReadDelay * attempt, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                return new StoredObject(key, content, version);
            }
            catch (AmazonS3Exception e) when (IsMissingKey(e))
            {
                return null;
            }
            catch (Exception e) when (e is IOException or AmazonClientException or ArgumentException && retry && !cancellationToken.IsCancellationRequested)
            {
                // The body ended before its Content-Length, did not match its MD5 ETag (the SDK checks it), or the
                // ETag itself was cut short (the SDK fails to parse it): s3rver rewrote the files for a replace.
                await Task.Delay(TornReadDelay * attempt, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (Translate(e, "read", fullKey, cancellationToken) is { } translated)
            {
                throw translated;
            }
        }
    }

    /// <inheritdoc />
    public async Task<Stream?> OpenReadAsync(ObjectKey key, CancellationToken cancellationToken = default)
    {
        var fullKey = FullKey(key);
        try
        {
            var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = Root.Bucket, Key = fullKey }, cancellationToken).ConfigureAwait(false);
            return new S3ResponseStream(response);
        }
        catch (AmazonS3Exception e) when (IsMissingKey(e))
        {
            return null;
        }
        catch (Exception e) when (Translate(e, "read", fullKey, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    public async Task<long?> GetSizeAsync(ObjectKey key, CancellationToken cancellationToken = default)
    {
        var fullKey = FullKey(key);
        var head = await HeadAsync(fullKey, "read the size of", cancellationToken).ConfigureAwait(false);
        return head?.ContentLength;
    }

    /// <inheritdoc />
    public async Task<WriteResult> CreateIfAbsentAsync(ObjectKey key, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var fullKey = FullKey(key);
        var threshold = (int)options.MultipartThreshold;
        var first = ArrayPool<byte>.Shared.Rent(threshold + 1);
        try
        {
            var length = await content.ReadAtLeastAsync(first.AsMemory(0, threshold + 1), threshold + 1, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            var multipart = length > threshold;
            if (multipart || !EnforcesConditionalWrites)
            {
                // A multipart upload is checked first so a conflict does not cost the upload; a server that
                // ignores If-None-Match gets the check it cannot do itself.
                if (await HeadAsync(fullKey, "check", cancellationToken).ConfigureAwait(false) is { } existing)
                {
                    return new WriteResult(WriteOutcome.Conflict, Version(existing.ETag));
                }
            }

            return multipart
                ? await UploadMultipartAsync(fullKey, first.AsMemory(0, length), content, cancellationToken).ConfigureAwait(false)
                : await PutAsync(fullKey, first, 0, length, expected: null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(first);
        }
    }

    /// <inheritdoc />
    public async Task<WriteResult> ReplaceIfMatchAsync(ObjectKey key, ReadOnlyMemory<byte> content, ObjectVersion? expected, CancellationToken cancellationToken = default)
    {
        var fullKey = FullKey(key);
        if (!EnforcesConditionalWrites)
        {
            var current = Version((await HeadAsync(fullKey, "check", cancellationToken).ConfigureAwait(false))?.ETag);
            if (!SameVersion(current, expected))
            {
                return new WriteResult(WriteOutcome.Conflict, current);
            }
        }

        var (array, offset, count) = MemoryMarshal.TryGetArray(content, out var segment) && segment.Array is { } shared
            ? (shared, segment.Offset, segment.Count)
            : (content.ToArray(), 0, content.Length);
        return await PutAsync(fullKey, array, offset, count, expected, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(ObjectKey key, CancellationToken cancellationToken = default)
    {
        var fullKey = FullKey(key);
        if (await HeadAsync(fullKey, "check", cancellationToken).ConfigureAwait(false) is null)
        {
            return false;
        }

        try
        {
            await client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Root.Bucket, Key = fullKey }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (Translate(e, "delete", fullKey, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ObjectEntry> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        var request = new ListObjectsV2Request { BucketName = Root.Bucket, Prefix = keyPrefix + prefix };

        // S3 lists in UTF-8 byte order, which differs from ordinal (UTF-16) order only between two keys whose
        // first difference is a character at or above U+D800 (a surrogate or U+E000..U+FFFF). Such keys are
        // always adjacent in both orders, so a run of them is buffered, sorted ordinally and then yielded.
        // Servers in compatibility mode may list in another order (s3rver walks its folders: "a/1" before
        // "a-b"), so there the whole listing is collected and sorted.
        var collectAll = options.CompatibilityMode;
        var held = new List<ObjectEntry>();
        string? last = null;
        do
        {
            ListObjectsV2Response response;
            try
            {
                response = await client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (Translate(e, "list", request.Prefix, cancellationToken) is { } translated)
            {
                throw translated;
            }

            foreach (var item in response.S3Objects ?? [])
            {
                if (item.Key is not { } full || !full.StartsWith(keyPrefix, StringComparison.Ordinal)
                    || !ObjectKey.TryParse(full[keyPrefix.Length..], out var key, out _))
                {
                    continue; // not a key this store could have written (a folder marker such as "a/", "a//b")
                }

                var entry = new ObjectEntry(key, item.Size ?? 0, Instant.FromDateTimeUtc(DateTime.SpecifyKind(item.LastModified?.ToUniversalTime() ?? DateTime.UnixEpoch, DateTimeKind.Utc)));
                if (collectAll || key.Value.Any(c => c >= '\uD800'))
                {
                    held.Add(entry);
                    continue;
                }

                foreach (var sorted in Flush(held))
                {
                    yield return Checked(sorted);
                }

                yield return Checked(entry);
            }

            request.ContinuationToken = response.IsTruncated == true ? response.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);

        foreach (var sorted in Flush(held))
        {
            yield return Checked(sorted);
        }

        static List<ObjectEntry> Flush(List<ObjectEntry> held)
        {
            var sorted = held.OrderBy(e => e.Key.Value, StringComparer.Ordinal).ToList();
            held.Clear();
            return sorted;
        }

        ObjectEntry Checked(ObjectEntry entry)
        {
            if (last is not null && string.CompareOrdinal(last, entry.Key.Value) >= 0)
            {
                throw new InvalidOperationException(
                    $"The S3 server at {endpoint} listed '{entry.Key}' after '{last}' in '{Location}', not in S3's key order: "
                    + "turn on the S3 compatibility mode so listings are collected and sorted.");
            }

            last = entry.Key.Value;
            return entry;
        }
    }

    /// <summary>Disposes the client when the store owns it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0 && ownsClient)
        {
            client.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Location} at {endpoint}";

    private static void ThrowIfInvalid(S3ObjectStoreOptions options)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("The S3 options are not valid: " + string.Join(" ", errors), nameof(options));
        }
    }

    private static ObjectVersion? Version(string? etag)
    {
        if (string.IsNullOrWhiteSpace(etag))
        {
            return null;
        }

        etag = etag.Trim();
        return new ObjectVersion(etag.StartsWith('"') || etag.StartsWith("W/", StringComparison.Ordinal) ? etag : $"\"{etag}\"");
    }

    /// <summary>
    /// Whether content matches an ETag that is a plain MD5 (a single-part upload to s3rver, or to S3 without
    /// KMS or customer keys); a multipart ETag (<c>"...-3"</c>) cannot be checked and matches. Used in
    /// compatibility mode only; a mismatch that persists over every attempt is taken as an ETag that is not an
    /// MD5 after all (KMS), and the content is returned.
    /// </summary>
    private static bool MatchesMd5(ObjectVersion version, ReadOnlySpan<byte> content)
    {
        var etag = version.Value.Trim('"');
        if (etag.Length != 32 || !etag.All(char.IsAsciiHexDigit))
        {
            // A multipart ETag ("<32 hex>-<parts>") cannot be checked; anything else is an ETag s3rver was still writing.
            var dash = etag.IndexOf('-', StringComparison.Ordinal);
            return dash == 32 && etag[..dash].All(char.IsAsciiHexDigit) && etag[(dash + 1)..].All(char.IsAsciiDigit) && etag.Length > 33;
        }

#pragma warning disable CA5351 // MD5 here is S3's integrity check of the ETag, not a security measure.
        return string.Equals(Convert.ToHexStringLower(MD5.HashData(content)), etag, StringComparison.OrdinalIgnoreCase);
#pragma warning restore CA5351
    }

    private static bool SameVersion(ObjectVersion? current, ObjectVersion? expected)
        => current is null || expected is null ? current is null && expected is null
            : string.Equals(Version(current.Value.Value)?.Value, Version(expected.Value.Value)?.Value, StringComparison.Ordinal);

    private static bool IsMissingKey(AmazonS3Exception e)
        => e.StatusCode == HttpStatusCode.NotFound && !string.Equals(e.ErrorCode, NoSuchBucket, StringComparison.Ordinal);

    private static bool IsConditionFailure(AmazonS3Exception e)
        => e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict
            || string.Equals(e.ErrorCode, PreconditionFailed, StringComparison.Ordinal)
            || string.Equals(e.ErrorCode, "ConditionalRequestConflict", StringComparison.Ordinal);

    private string FullKey(ObjectKey key)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        if (key.Value is null)
        {
            throw new ArgumentException("The object key is the default value; parse one with ObjectKey.Parse.", nameof(key));
        }

        return keyPrefix + key.Value;
    }

    private string Describe(string fullKey) => $"s3://{Root.Bucket}/{fullKey}";

    private async Task<WriteResult> PutAsync(string fullKey, byte[] buffer, int offset, int count, ObjectVersion? expected, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = Root.Bucket,
            Key = fullKey,
            InputStream = new MemoryStream(buffer, offset, count, writable: false),
            UseChunkEncoding = !options.CompatibilityMode,
        };
        if (expected is { } version)
        {
            request.IfMatch = version.Value;
        }
        else
        {
            request.IfNoneMatch = "*";
        }

        try
        {
            var response = await client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
            return new WriteResult(WriteOutcome.Written, Version(response.ETag) ?? await CurrentVersionAsync(fullKey, cancellationToken).ConfigureAwait(false));
        }
        catch (AmazonS3Exception e) when (IsConditionFailure(e) || (expected is not null && IsMissingKey(e)))
        {
            return new WriteResult(WriteOutcome.Conflict, await CurrentVersionAsync(fullKey, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (Translate(e, "write", fullKey, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    private async Task<WriteResult> UploadMultipartAsync(string fullKey, ReadOnlyMemory<byte> first, Stream content, CancellationToken cancellationToken)
    {
        var partSize = options.PartSize;
        if (content.CanSeek)
        {
            // Known length: grow the parts so the upload fits in S3's 10,000 parts.
            var total = first.Length + Math.Max(0, content.Length - content.Position);
            var needed = (total + S3ObjectStoreOptions.MaxParts - 1) / S3ObjectStoreOptions.MaxParts;
            const long MiB = 1024 * 1024;
            partSize = Math.Min(S3ObjectStoreOptions.MaxBufferedSize, Math.Max(partSize, (needed + MiB - 1) / MiB * MiB));
        }

        var initiate = new InitiateMultipartUploadRequest { BucketName = Root.Bucket, Key = fullKey };
        if (!options.CompatibilityMode)
        {
            initiate.ChecksumAlgorithm = ChecksumAlgorithm.CRC32;
        }

        string uploadId;
        try
        {
            uploadId = (await client.InitiateMultipartUploadAsync(initiate, cancellationToken).ConfigureAwait(false)).UploadId;
        }
        catch (Exception e) when (Translate(e, "start a multipart upload of", fullKey, cancellationToken) is { } translated)
        {
            throw translated;
        }

        var completed = false;
        var buffer = ArrayPool<byte>.Shared.Rent((int)partSize);
        try
        {
            var parts = new List<PartETag>();
            var pending = first;
            var finished = false;
            while (!finished)
            {
                // Fill a part: what is left of the first read, then the content stream.
                var filled = Math.Min(pending.Length, (int)partSize);
                pending[..filled].CopyTo(buffer);
                pending = pending[filled..];
                if (filled < partSize)
                {
                    filled += await content.ReadAtLeastAsync(buffer.AsMemory(filled, (int)partSize - filled), (int)partSize - filled, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                }

                finished = filled < partSize && pending.IsEmpty;
                if (filled == 0 && parts.Count > 0)
                {
                    break; // the previous part ended exactly at the end of the content
                }

                if (parts.Count == S3ObjectStoreOptions.MaxParts)
                {
                    throw new IOException(string.Create(CultureInfo.InvariantCulture,
                        $"'{Describe(fullKey)}' is larger than S3's {S3ObjectStoreOptions.MaxParts} parts of {partSize} bytes: raise the S3 PartSize option, or write from a seekable stream so the part size can grow."));
                }

                var part = new UploadPartRequest
                {
                    BucketName = Root.Bucket,
                    Key = fullKey,
                    UploadId = uploadId,
                    PartNumber = parts.Count + 1,
                    InputStream = new MemoryStream(buffer, 0, filled, writable: false),
                    PartSize = filled,
                    UseChunkEncoding = !options.CompatibilityMode,
                };
                if (!options.CompatibilityMode)
                {
                    part.ChecksumAlgorithm = ChecksumAlgorithm.CRC32;
                }

                try
                {
                    var uploaded = await client.UploadPartAsync(part, cancellationToken).ConfigureAwait(false);
                    parts.Add(new PartETag(uploaded, !options.CompatibilityMode));
                }
                catch (Exception e) when (Translate(e, "upload a part of", fullKey, cancellationToken) is { } translated)
                {
                    throw translated;
                }
            }

            var complete = new CompleteMultipartUploadRequest { BucketName = Root.Bucket, Key = fullKey, UploadId = uploadId, PartETags = parts, IfNoneMatch = "*" };
            try
            {
                var response = await client.CompleteMultipartUploadAsync(complete, cancellationToken).ConfigureAwait(false);
                completed = true;
                return new WriteResult(WriteOutcome.Written, Version(response.ETag) ?? await CurrentVersionAsync(fullKey, cancellationToken).ConfigureAwait(false));
            }
            catch (AmazonS3Exception e) when (IsConditionFailure(e))
            {
                return new WriteResult(WriteOutcome.Conflict, await CurrentVersionAsync(fullKey, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (Translate(e, "complete the multipart upload of", fullKey, cancellationToken) is { } translated)
            {
                throw translated;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (!completed)
            {
                await AbortQuietlyAsync(fullKey, uploadId).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Aborts a multipart upload so its parts stop costing storage. Runs after a failure or a cancellation,
    /// so it ignores the caller's token (bounded by its own timeout) and never hides the original error.
    /// </summary>
    private async Task AbortQuietlyAsync(string fullKey, string uploadId)
    {
        using var timeout = new CancellationTokenSource(AbortTimeout);
        try
        {
            await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = Root.Bucket, Key = fullKey, UploadId = uploadId }, timeout.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Best effort: the caller sees the error that made the upload fail, and a bucket lifecycle rule reclaims what is left.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

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

    /// <summary>A GET's response stream that disposes the response with it.</summary>
    private sealed class S3ResponseStream(GetObjectResponse response) : Stream
    {
        private readonly Stream inner = response.ResponseStream;
        private long position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => response.ContentLength;

        public override long Position
        {
            get => position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => Count(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                response.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Count(int read)
        {
            position += read;
            return read;
        }
    }
}

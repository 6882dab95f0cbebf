using System.Buffers;
using System.Net;
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
public sealed partial class S3ObjectStore : IObjectStore, IDisposable
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
}

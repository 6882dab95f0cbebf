using System.Buffers;
using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;

namespace Assets.Storage.Objects.S3;

public sealed partial class S3ObjectStore
{
    // Writes: one PUT with its condition, or a multipart upload completed with it and aborted on failure.
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
}

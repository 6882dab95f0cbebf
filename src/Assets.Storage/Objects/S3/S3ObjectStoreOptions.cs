using System.Globalization;
using System.Text;

using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace Assets.Storage.Objects.S3;

/// <summary>
/// How an <see cref="S3ObjectStore"/> reaches S3 or an S3-compatible server (MinIO, s3rver) and how it
/// uploads. Credentials come from the AWS SDK's default chain (environment variables, profile, instance
/// role) unless <see cref="AccessKey"/> and <see cref="SecretKey"/> are both given (tests, S3-compatible
/// servers). The secret key and session token never appear in <see cref="ToString"/>, in log messages, in
/// exception messages or in a store's <see cref="IObjectStore.Location"/>.
/// </summary>
public sealed class S3ObjectStoreOptions
{
    /// <summary>The smallest part S3 accepts in a multipart upload (all parts but the last): 5 MiB.</summary>
    public const long MinPartSize = 5L * 1024 * 1024;

    /// <summary>The largest part S3 accepts: 5 GiB.</summary>
    public const long MaxPartSize = 5L * 1024 * 1024 * 1024;

    /// <summary>The largest part or single upload this store buffers in memory: 1 GiB.</summary>
    public const long MaxBufferedSize = 1L * 1024 * 1024 * 1024;

    /// <summary>The most parts one multipart upload may have.</summary>
    public const int MaxParts = 10_000;

    /// <summary>The default <see cref="MultipartThreshold"/>: 16 MiB.</summary>
    public const long DefaultMultipartThreshold = 16L * 1024 * 1024;

    /// <summary>The default <see cref="PartSize"/>: 8 MiB.</summary>
    public const long DefaultPartSize = 8L * 1024 * 1024;

    /// <summary>
    /// The service URL of an S3-compatible server (<c>http://127.0.0.1:9000</c>). Default: none (AWS S3,
    /// reached through <see cref="Region"/>). User information in the URL is never printed.
    /// </summary>
    public string? ServiceUrl { get; set; }

    /// <summary>
    /// The AWS region (<c>eu-central-1</c>). With a <see cref="ServiceUrl"/> it is the region requests are
    /// signed for (default <c>us-east-1</c>); without one, the SDK's chain decides when it is not given.
    /// </summary>
    public string? Region { get; set; }

    /// <summary>Address buckets in the path (<c>host/bucket/key</c>) instead of the host name; most S3-compatible servers need it.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>
    /// Talk to a server that supports only the core S3 protocol: request checksums are calculated and
    /// response checksums validated only when an operation requires them, and uploads are sent whole
    /// (<c>UseChunkEncoding = false</c>) instead of in the aws-chunked signing envelope, which s3rver would
    /// otherwise store as the object's bytes. Listings are collected whole and sorted, since such servers may
    /// not list in S3's key order (s3rver walks its folders); and a small object read whole is checked against its
    /// MD5 ETag and read again when torn, since s3rver rewrites a replaced object's file in place. Default: <c>false</c>.
    /// </summary>
    public bool CompatibilityMode { get; set; }

    /// <summary>An explicit access key id; give it with <see cref="SecretKey"/>, or neither for the SDK's default credential chain.</summary>
    public string? AccessKey { get; set; }

    /// <summary>An explicit secret access key; never printed.</summary>
    public string? SecretKey { get; set; }

    /// <summary>An optional session token for temporary explicit credentials; never printed.</summary>
    public string? SessionToken { get; set; }

    /// <summary>
    /// Content larger than this many bytes is uploaded in parts of <see cref="PartSize"/>; smaller content
    /// in one request (buffered in memory, so a failed request can be retried). Default: 16 MiB; at least 1 byte, at most 1 GiB.
    /// </summary>
    public long MultipartThreshold { get; set; } = DefaultMultipartThreshold;

    /// <summary>
    /// The size of each part of a multipart upload but the last. Default: 8 MiB; at least 5 MiB (S3's
    /// minimum), at most 1 GiB (a part is buffered in memory). Grown automatically when a seekable stream would need more than 10,000 parts.
    /// </summary>
    public long PartSize { get; set; } = DefaultPartSize;

    /// <summary>
    /// Whether the server enforces <c>If-None-Match</c> and <c>If-Match</c> on writes (AWS S3 and MinIO do;
    /// s3rver ignores them). When <c>false</c>, the store checks the condition with a HEAD request first, which
    /// narrows but cannot close the race with a concurrent writer. Default: <c>true</c>.
    /// </summary>
    public bool EnforcesConditionalWrites { get; set; } = true;

    /// <summary>Whether explicit credentials were given.</summary>
    public bool HasExplicitCredentials => !string.IsNullOrEmpty(AccessKey) && !string.IsNullOrEmpty(SecretKey);

    /// <summary>Checks the options; every message names the option and the fix. Empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (ServiceUrl is { } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            errors.Add($"ServiceUrl: '{RedactUrl(url)}' is not an http(s) URL such as http://127.0.0.1:9000.");
        }

        if (Region is { } region && (region.Length == 0 || !region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
        {
            errors.Add($"Region: '{region}' is not a region name such as eu-central-1.");
        }

        if (string.IsNullOrEmpty(AccessKey) != string.IsNullOrEmpty(SecretKey))
        {
            errors.Add("AccessKey/SecretKey: give both for explicit credentials, or neither to use the AWS SDK's credential chain.");
        }

        if (MultipartThreshold is < 1 or > MaxBufferedSize)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"MultipartThreshold: {MultipartThreshold} bytes is outside 1 byte to 1 GiB ({MaxBufferedSize})."));
        }

        if (PartSize is < MinPartSize or > MaxBufferedSize)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"PartSize: {PartSize} bytes is outside 5 MiB ({MinPartSize}, the smallest part S3 accepts) to 1 GiB ({MaxBufferedSize}, the most a part may buffer)."));
        }

        return errors;
    }

    /// <summary>Prints the options with credentials redacted.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("S3ObjectStoreOptions { ");
        text.Append(CultureInfo.InvariantCulture, $"ServiceUrl = {(ServiceUrl is null ? "(AWS S3)" : RedactUrl(ServiceUrl))}, ");
        text.Append(CultureInfo.InvariantCulture, $"Region = {Region ?? "(default)"}, ");
        text.Append(CultureInfo.InvariantCulture, $"ForcePathStyle = {ForcePathStyle}, CompatibilityMode = {CompatibilityMode}, ");
        text.Append(CultureInfo.InvariantCulture, $"Credentials = {(HasExplicitCredentials ? "explicit (redacted)" : "AWS SDK default chain")}, ");
        text.Append(CultureInfo.InvariantCulture, $"MultipartThreshold = {MultipartThreshold}, PartSize = {PartSize}, ");
        text.Append(CultureInfo.InvariantCulture, $"EnforcesConditionalWrites = {EnforcesConditionalWrites} }}");
        return text.ToString();
    }

    /// <summary>A shallow copy, for tests and for adjusting one setting.</summary>
    public S3ObjectStoreOptions Clone() => (S3ObjectStoreOptions)MemberwiseClone();

    /// <summary>Where the store's requests go, for messages: the service URL without user information, or the AWS region.</summary>
    internal string DescribeEndpoint()
        => ServiceUrl is { } url ? RedactUrl(url) : Region is { } region ? $"AWS S3 ({region})" : "AWS S3";

    /// <summary>The SDK client configuration these options describe.</summary>
    internal AmazonS3Config CreateClientConfig()
    {
        var config = new AmazonS3Config { ForcePathStyle = ForcePathStyle };
        if (ServiceUrl is { } url)
        {
            config.ServiceURL = url;
            config.AuthenticationRegion = Region ?? "us-east-1";
        }
        else if (Region is { } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        if (CompatibilityMode)
        {
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }

        return config;
    }

    /// <summary>The explicit credentials, or <c>null</c> for the SDK's default chain.</summary>
    internal AWSCredentials? CreateCredentials()
        => !HasExplicitCredentials ? null
            : string.IsNullOrEmpty(SessionToken) ? new BasicAWSCredentials(AccessKey, SecretKey)
            : new SessionAWSCredentials(AccessKey, SecretKey, SessionToken);

    /// <summary>Creates an SDK client from the options; the caller disposes it.</summary>
    internal AmazonS3Client CreateClient()
    {
        var config = CreateClientConfig();
        return CreateCredentials() is { } credentials ? new AmazonS3Client(credentials, config) : new AmazonS3Client(config);
    }

    /// <summary>A URL without user information, query or fragment, so nothing secret is printed.</summary>
    internal static string RedactUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            // Not a URL: print only what cannot carry a secret ('user:secret@host' has an '@').
            var at = url.LastIndexOf('@');
            return at < 0 ? url : "***@" + url[(at + 1)..];
        }

        var builder = new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty, Query = string.Empty, Fragment = string.Empty };
        return builder.Uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }
}

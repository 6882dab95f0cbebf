using System.Net;
using Assets.Execution;

namespace Assets.Core.Tests.Execution;

public sealed class TransientErrorsTests
{
    public static TheoryData<Exception, bool> Errors => new()
    {
        { new IOException("connection reset"), true },
        { new TimeoutException(), true },
        { new HttpRequestException("bad gateway", null, HttpStatusCode.BadGateway), true },
        { new HttpRequestException("throttled", null, HttpStatusCode.TooManyRequests), true },
        { new HttpRequestException("no response"), true },
        { new HttpRequestException("not found", null, HttpStatusCode.NotFound), false },
        { new HttpRequestException("forbidden", null, HttpStatusCode.Forbidden), false },
        { new TaskCanceledException("HttpClient.Timeout elapsed"), true },
        { new AmazonS3Exception(HttpStatusCode.ServiceUnavailable), true },
        { new AmazonS3Exception(HttpStatusCode.Conflict), true },
        { new AmazonS3Exception(HttpStatusCode.Forbidden), false },
        { new NonRetryableException("bad input"), false },
        { new SourceNotArrivedException("orders/2026-01-01.csv"), false },
        { new UnauthorizedAccessException(), false },
        { new InvalidDataException("not parquet"), false },
        { new FormatException("bad date"), false },
        { new ArgumentException("bad argument"), false },
        { new DefinitionException("bad definition"), false },
        { new InvalidOperationException("a bug"), false },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void IsTransient_ClassifiesByKind(Exception error, bool transient)
        => Assert.Equal(transient, TransientErrors.IsTransient(error, CancellationToken.None));

    [Fact]
    public void IsTransient_TaskCanceledByTheRun_IsNotRetried()
        => Assert.False(TransientErrors.IsTransient(new TaskCanceledException(), new CancellationToken(canceled: true)));

    // Named like the AWS SDK's type, which Core cannot reference: recognized by name and StatusCode.
    private sealed class AmazonS3Exception(HttpStatusCode statusCode) : Exception("S3 said " + statusCode)
    {
        public HttpStatusCode StatusCode { get; } = statusCode;
    }
}

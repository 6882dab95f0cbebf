using System.Diagnostics;
using System.Globalization;

namespace Assets.Storage.Tests.S3;

/// <summary>
/// Where the S3 tests run: against the server named by <c>ASSETS_TEST_S3_ENDPOINT</c> (MinIO, AWS S3), or
/// against s3rver (pinned in <c>tests/s3rver</c>) started by <see cref="S3ServerFixture"/>, which needs Node.js 20.
/// </summary>
internal static class S3TestEnvironment
{
    public const string EndpointVariable = "ASSETS_TEST_S3_ENDPOINT";
    public const string AccessKeyVariable = "ASSETS_TEST_S3_ACCESS_KEY";
    public const string SecretKeyVariable = "ASSETS_TEST_S3_SECRET_KEY";
    public const string BucketVariable = "ASSETS_TEST_S3_BUCKET";
    public const string RegionVariable = "ASSETS_TEST_S3_REGION";
    public const string ConditionalVariable = "ASSETS_TEST_S3_CONDITIONAL";
    public const int RequiredNodeMajor = 20;

    private static readonly Lazy<NodeInfo> Node = new(FindNode);

    /// <summary>The external endpoint, when the tests run against one instead of s3rver.</summary>
    public static string? ExternalEndpoint => Environment.GetEnvironmentVariable(EndpointVariable) is { Length: > 0 } url ? url : null;

    /// <summary>Whether the tests run against s3rver (no external endpoint is configured).</summary>
    public static bool UsesS3rver => ExternalEndpoint is null;

    /// <summary>Whether the external endpoint enforces If-Match/If-None-Match (unless <c>ASSETS_TEST_S3_CONDITIONAL=false</c>); s3rver does not.</summary>
    public static bool EnforcesConditionalWrites
        => !UsesS3rver && !string.Equals(Environment.GetEnvironmentVariable(ConditionalVariable), "false", StringComparison.OrdinalIgnoreCase);

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The <c>node</c> executable, when Node.js 20 or newer is installed.</summary>
    public static string? NodePath => Node.Value.Path;

    /// <summary>Why s3rver cannot run here (Node.js missing or too old), or <c>null</c>.</summary>
    public static string? NodeProblem => Node.Value.Problem;

    /// <summary>
    /// Why the S3 tests are skipped, or <c>null</c> when they run. They are skipped only outside CI when
    /// no external endpoint is configured and Node.js 20 is missing; in CI the fixture fails loudly instead.
    /// </summary>
    public static string? SkipReason => UsesS3rver && NodeProblem is { } problem && !IsCi ? problem + " (skipped because CI is not set)" : null;

    /// <summary>Finds an executable on PATH (with Windows' extensions).</summary>
    public static string? FindOnPath(string name)
    {
        var extensions = OperatingSystem.IsWindows() ? new[] { ".exe", ".cmd", ".bat", string.Empty } : [string.Empty];
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var extension in extensions)
            {
                var candidate = Path.Combine(directory.Trim('"'), name + extension);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static NodeInfo FindNode()
    {
        const string Install = "install it (https://nodejs.org, or 'apt-get install nodejs', 'brew install node@20', 'winget install OpenJS.NodeJS.LTS') "
            + "or set ASSETS_TEST_S3_ENDPOINT (with ASSETS_TEST_S3_ACCESS_KEY and ASSETS_TEST_S3_SECRET_KEY) to an S3-compatible server";
        var node = FindOnPath("node");
        if (node is null)
        {
            return new NodeInfo(null, $"Node.js {RequiredNodeMajor} is required for the S3 tests (they run s3rver): node is not on PATH; {Install}.");
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo(node, "--version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
            var version = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit(10_000);
            var major = version.TrimStart('v').Split('.')[0];
            if (!int.TryParse(major, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < RequiredNodeMajor)
            {
                return new NodeInfo(null, $"Node.js {RequiredNodeMajor} is required for the S3 tests (they run s3rver): {node} is version '{version}'; {Install}.");
            }

            return new NodeInfo(node, null);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return new NodeInfo(null, $"Node.js {RequiredNodeMajor} is required for the S3 tests (they run s3rver): {node} did not run ({e.Message}); {Install}.");
        }
    }

    private sealed record NodeInfo(string? Path, string? Problem);
}

/// <summary>
/// A test that needs an S3 server. xunit 2 has no dynamic skip, so the decision is made when tests are
/// discovered: the test is skipped (with the reason) outside CI when Node.js is missing, and when it needs
/// a capability the configured server lacks (s3rver ignores conditional writes and implements neither
/// AbortMultipartUpload nor ListMultipartUploads).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class S3FactAttribute : FactAttribute
{
    /// <summary>The test needs a server that enforces If-Match/If-None-Match.</summary>
    public bool RequiresConditionalWrites { get; set; }

    /// <summary>The test needs AbortMultipartUpload and ListMultipartUploads.</summary>
    public bool RequiresMultipartUploadListing { get; set; }

    /// <summary>The test checks a behaviour of s3rver itself.</summary>
    public bool OnlyS3rver { get; set; }

    /// <summary>Skip with this reason when the server ignores conditional writes (s3rver).</summary>
    public string? SkipIfConditionsIgnored { get; set; }

    /// <summary>Skip with this reason when the server enforces conditional writes.</summary>
    public string? SkipIfConditionsEnforced { get; set; }

    public override string Skip
    {
        get => S3TestEnvironment.SkipReason
            ?? (RequiresConditionalWrites && !S3TestEnvironment.EnforcesConditionalWrites
                ? "Needs a server that enforces If-Match/If-None-Match: s3rver 3.7.1 ignores them; set ASSETS_TEST_S3_ENDPOINT to MinIO or AWS S3 to run it."
                : null)
            ?? (RequiresMultipartUploadListing && S3TestEnvironment.UsesS3rver
                ? "Needs AbortMultipartUpload and ListMultipartUploads: s3rver 3.7.1 answers them with 405 and 501; set ASSETS_TEST_S3_ENDPOINT to MinIO or AWS S3 to run it."
                : null)
            ?? (OnlyS3rver && !S3TestEnvironment.UsesS3rver ? "Checks s3rver's own behaviour; the tests run against ASSETS_TEST_S3_ENDPOINT." : null)
            ?? (S3TestEnvironment.EnforcesConditionalWrites ? SkipIfConditionsEnforced : SkipIfConditionsIgnored)
            ?? base.Skip;
        set => base.Skip = value;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Security.Cryptography;

using Amazon.S3;
using Amazon.S3.Model;

using Assets.Storage.Objects.S3;

namespace Assets.Storage.Tests.S3;

/// <summary>Every S3 test class shares one server (and runs one after another).</summary>
[CollectionDefinition(S3ServerFixture.Collection)]
public sealed class S3ServerDefinition : ICollectionFixture<S3ServerFixture>
{
}

/// <summary>
/// The S3 server the tests use. With <c>ASSETS_TEST_S3_ENDPOINT</c> set it is that server (credentials from
/// <c>ASSETS_TEST_S3_ACCESS_KEY</c>/<c>ASSETS_TEST_S3_SECRET_KEY</c>, optional <c>ASSETS_TEST_S3_BUCKET</c> and
/// <c>ASSETS_TEST_S3_REGION</c>; conditional writes enforced unless <c>ASSETS_TEST_S3_CONDITIONAL=false</c>).
/// Otherwise it starts s3rver, pinned in <c>tests/s3rver</c> (installed with <c>npm ci</c> when missing, under a
/// lock shared by every test process), on 127.0.0.1 with a free port and a temporary data folder, and stops
/// it (the whole process tree) when the tests end, or when the test process exits without disposing it.
/// Each store gets its own prefix in the fixture's bucket.
/// </summary>
public sealed class S3ServerFixture : IAsyncLifetime
{
    public const string Collection = "S3";

    /// <summary>s3rver's built-in account.</summary>
    public const string S3rverKey = "S3RVER";

    private const string InstalledMarker = ".assets-installed";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);

    private readonly List<string> prefixes = [];
    private readonly StringBuilder serverOutput = new();
    private Process? server;
    private bool createdBucket;

    public string ServiceUrl { get; private set; } = string.Empty;

    public string AccessKey { get; private set; } = S3rverKey;

    public string SecretKey { get; private set; } = S3rverKey;

    public string? Region { get; private set; }

    public string Bucket { get; private set; } = "assets-tests";

    public bool IsS3rver { get; } = S3TestEnvironment.UsesS3rver;

    public bool EnforcesConditionalWrites { get; } = S3TestEnvironment.EnforcesConditionalWrites;

    /// <summary>s3rver's data folder (objects and pending multipart uploads live there as files); <c>null</c> for an external server.</summary>
    public string? DataDirectory { get; private set; }

    public async Task InitializeAsync()
    {
        if (S3TestEnvironment.ExternalEndpoint is { } endpoint)
        {
            ServiceUrl = endpoint;
            AccessKey = Environment.GetEnvironmentVariable(S3TestEnvironment.AccessKeyVariable)
                ?? throw new InvalidOperationException($"{S3TestEnvironment.EndpointVariable} is set: set {S3TestEnvironment.AccessKeyVariable} and {S3TestEnvironment.SecretKeyVariable} too.");
            SecretKey = Environment.GetEnvironmentVariable(S3TestEnvironment.SecretKeyVariable)
                ?? throw new InvalidOperationException($"{S3TestEnvironment.EndpointVariable} is set: set {S3TestEnvironment.SecretKeyVariable} too.");
            Region = Environment.GetEnvironmentVariable(S3TestEnvironment.RegionVariable) is { Length: > 0 } region ? region : null;
            if (Environment.GetEnvironmentVariable(S3TestEnvironment.BucketVariable) is { Length: > 0 } bucket)
            {
                Bucket = bucket;
                return;
            }

            Bucket = "assets-tests-" + Guid.NewGuid().ToString("N")[..12];
        }
        else
        {
            if (S3TestEnvironment.NodePath is not { } node)
            {
                // Only reached in CI (elsewhere the S3 tests are skipped at discovery); the contract suite's plain
                // [Fact]s fail with this message when Node.js is missing outside CI.
                throw new InvalidOperationException(S3TestEnvironment.NodeProblem);
            }

            var folder = FindS3rverFolder();
            await EnsureInstalledAsync(folder).ConfigureAwait(false);
            await StartAsync(node, folder).ConfigureAwait(false);
        }

        using var client = CreateClient();
        await client.PutBucketAsync(new PutBucketRequest { BucketName = Bucket }).ConfigureAwait(false);
        createdBucket = true;
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            Stop();
            return;
        }

        if (ServiceUrl.Length == 0)
        {
            return;
        }

        // An external server: remove what the tests wrote (and the bucket when the fixture made it).
        using var client = CreateClient();
        foreach (var prefix in prefixes)
        {
            var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix + "/" };
            do
            {
                var page = await client.ListObjectsV2Async(request).ConfigureAwait(false);
                foreach (var item in page.S3Objects ?? [])
                {
                    await client.DeleteObjectAsync(Bucket, item.Key).ConfigureAwait(false);
                }

                request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
            }
            while (request.ContinuationToken is not null);
        }

        if (createdBucket)
        {
            await client.DeleteBucketAsync(Bucket).ConfigureAwait(false);
        }
    }

    /// <summary>Options for a store on this server (compatibility mode for s3rver).</summary>
    public S3ObjectStoreOptions CreateOptions() => new()
    {
        ServiceUrl = ServiceUrl,
        Region = Region,
        ForcePathStyle = true,
        CompatibilityMode = IsS3rver,
        AccessKey = AccessKey,
        SecretKey = SecretKey,
        EnforcesConditionalWrites = EnforcesConditionalWrites,
    };

    /// <summary>An SDK client for this server; the caller disposes it.</summary>
    public AmazonS3Client CreateClient(S3ObjectStoreOptions? options = null) => (options ?? CreateOptions()).CreateClient();

    /// <summary>A new prefix of the fixture's bucket, for one store.</summary>
    public string NewPrefix(string name = "store")
    {
        var prefix = $"t-{Guid.NewGuid():N}/{name}";
        lock (prefixes)
        {
            prefixes.Add(prefix);
        }

        return prefix;
    }

    /// <summary>A store under its own prefix; it owns its client.</summary>
    public S3ObjectStore CreateStore(Action<S3ObjectStoreOptions>? configure = null, string name = "store")
    {
        var options = CreateOptions();
        configure?.Invoke(options);
        return new S3ObjectStore(CreateClient(options), Bucket, NewPrefix(name), options, ownsClient: true);
    }

    /// <summary>The repository's <c>tests/s3rver</c>, found by walking up from the test assembly's folder.</summary>
    private static string FindS3rverFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "s3rver");
            if (File.Exists(Path.Combine(candidate, "package-lock.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"tests/s3rver/package-lock.json was not found above {AppContext.BaseDirectory}: run the tests from a checkout of the repository.");
    }

    /// <summary>Runs <c>npm ci</c> when the pinned s3rver is not installed; one process at a time installs.</summary>
    private static async Task EnsureInstalledAsync(string folder)
    {
        if (IsInstalled(folder))
        {
            return;
        }

        var lockPath = Path.Combine(Path.GetTempPath(), "assets-s3rver-install-" + ((uint)StringComparer.Ordinal.GetHashCode(folder)).ToString("x8", CultureInfo.InvariantCulture) + ".lock");
        var deadline = DateTime.UtcNow + InstallTimeout;
        FileStream? held = null;
        while (held is null)
        {
            try
            {
                held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250).ConfigureAwait(false);
            }
        }

        await using (held.ConfigureAwait(false))
        {
            if (IsInstalled(folder))
            {
                return; // another test process installed it while this one waited
            }

            var npm = S3TestEnvironment.FindOnPath("npm")
                ?? throw new InvalidOperationException("npm (part of Node.js) is required to install s3rver for the S3 tests: install Node.js 20 with npm, or run 'npm ci' in tests/s3rver.");
            var start = OperatingSystem.IsWindows()
                ? new ProcessStartInfo("cmd.exe") { ArgumentList = { "/d", "/c", npm, "ci", "--no-audit", "--no-fund" } }
                : new ProcessStartInfo(npm) { ArgumentList = { "ci", "--no-audit", "--no-fund" } };
            start.WorkingDirectory = folder;
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            start.UseShellExecute = false;
            using var process = Process.Start(start) ?? throw new InvalidOperationException("npm did not start.");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(InstallTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"'npm ci' in {folder} did not finish within {InstallTimeout.TotalMinutes} minutes.");
            }

            if (process.ExitCode != 0 || !File.Exists(Path.Combine(folder, "node_modules", "s3rver", "bin", "s3rver.js")))
            {
                throw new InvalidOperationException($"'npm ci --no-audit --no-fund' in {folder} failed (exit code {process.ExitCode}):\n{await output.ConfigureAwait(false)}\n{await error.ConfigureAwait(false)}");
            }

            await File.WriteAllTextAsync(Path.Combine(folder, "node_modules", InstalledMarker), LockHash(folder)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Whether node_modules holds what package-lock.json pins: a marker written after a successful <c>npm ci</c>
    /// (under the lock) names the lock file's hash, so a half-finished install never counts.
    /// </summary>
    private static bool IsInstalled(string folder)
    {
        try
        {
            var marker = Path.Combine(folder, "node_modules", InstalledMarker);
            return File.Exists(Path.Combine(folder, "node_modules", "s3rver", "bin", "s3rver.js"))
                && File.Exists(marker)
                && File.ReadAllText(marker).Trim() == LockHash(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string LockHash(string folder) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, "package-lock.json"))));

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static async Task<bool> AnswersAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private async Task StartAsync(string node, string folder)
    {
        var script = Path.Combine(folder, "node_modules", "s3rver", "bin", "s3rver.js");

        // The port is free when picked but could be taken before s3rver binds it: try a few.
        for (var attempt = 1; ; attempt++)
        {
            DataDirectory = Path.Combine(Path.GetTempPath(), "assets-s3rver-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(DataDirectory);
            var port = FreePort();
            var start = new ProcessStartInfo(node)
            {
                // s3rver 3.7.1 encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node 17+) keeps
                // in its legacy provider: without this flag every truncated listing fails with InternalError.
                // exit-with-parent.js stops s3rver when its stdin (held by this process) closes, so a test process
                // killed before it could dispose the fixture does not leave node running.
                ArgumentList = { "--openssl-legacy-provider", "--require", Path.Combine(folder, "exit-with-parent.js"), script, "--directory", DataDirectory, "--address", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--silent", "--no-vhost-buckets" },
                WorkingDirectory = folder,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            var process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            server = process;
            AppDomain.CurrentDomain.ProcessExit += OnProcessExit;

            var watch = Stopwatch.StartNew();
            while (!process.HasExited && watch.Elapsed < StartTimeout)
            {
                if (await AnswersAsync(port).ConfigureAwait(false))
                {
                    ServiceUrl = $"http://127.0.0.1:{port}";
                    return;
                }

                await Task.Delay(50).ConfigureAwait(false);
            }

            Stop();
            string output;
            lock (serverOutput)
            {
                output = serverOutput.ToString();
            }

            if (attempt == 3 || !output.Contains("EADDRINUSE", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"s3rver did not start on 127.0.0.1:{port} within {StartTimeout.TotalSeconds} s: {output}");
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (serverOutput)
        {
            if (serverOutput.Length < 64 * 1024)
            {
                serverOutput.AppendLine(line);
            }
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => Stop();

    private void Stop()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        var process = Interlocked.Exchange(ref server, null);
        if (process is not null)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
                // It exited on its own.
            }

            process.Dispose();
        }

        if (DataDirectory is { } directory && Directory.Exists(directory))
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still open on Windows; the temp folder is cleaned eventually.
            }
        }
    }
}

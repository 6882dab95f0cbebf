using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Playwright;

namespace Assets.Web.Tests;

[CollectionDefinition(Name)]
public sealed class ServedExampleGroup : ICollectionFixture<ServedExample>
{
    public const string Name = "served example";
}

/// <summary>
/// The example served as a user would run it: <c>serve</c> (the real program, ExampleAssets.dll) on a free loopback port
/// over a root of its own and a copy of the source folder, with automation off so the tests decide what runs. Set up as
/// the README's walk-through leaves it: January materialized, then January 5 corrected and raw_orders forced for that day,
/// so its readers are stale (clean_orders[2026-01-05], rolling_revenue 5..11, every region, the summary).
/// </summary>
public sealed class ServedExample : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "assets-web-" + Guid.NewGuid().ToString("N"));
    private Process? _process;
    private Task<string>? _error;

    public string Url { get; private set; } = string.Empty;

    public HttpClient Http { get; private set; } = new();

    public string SourceFolder => Path.Combine(_folder, "source");

    /// <summary>Debian's Chromium, driven by Playwright; no browser is downloaded.</summary>
    public const string Chromium = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>A new page of a headless Chromium (one browser for all tests), 1280x860, its base URL the daemon's.</summary>
    public async Task<IPage> NewPageAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y chromium (.ci/run does it).");
        _playwright ??= await Playwright.CreateAsync();
        _browser ??= await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // Root in CI and containers: Chromium's sandbox needs a user namespace it may not get.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Url, ViewportSize = new ViewportSize { Width = 1280, Height = 860 } });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>Where screenshots go: test output under the test assembly's folder.</summary>
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        CopyFolder(Path.Combine(RepositoryRoot(), "example-assets", "source"), SourceFolder);
        Directory.CreateDirectory(Screenshots);
        Url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryRoot() };
        start.Environment["Example__SourceDir"] = SourceFolder;
        start.Environment["Assets__Root"] = Path.Combine(_folder, "root");
        start.Environment["Assets__Daemon__Automation"] = "false";
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ExampleAssets.dll"));
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(Url);
        _process = Process.Start(start)!;
        _ = _process.StandardOutput.ReadToEndAsync();
        _error = _process.StandardError.ReadToEndAsync();
        Http = new HttpClient { BaseAddress = new Uri(Url + "/"), Timeout = TimeSpan.FromMinutes(3) };
        var advertisement = Path.Combine(_folder, "root", "_meta", "daemon.json");
        var watch = Stopwatch.StartNew();
        while (!File.Exists(advertisement))
        {
            Assert.False(_process.HasExited, "serve exited before advertising itself: " + (_process.HasExited ? await _error : string.Empty));
            Assert.True(watch.Elapsed < TimeSpan.FromMinutes(1), "serve did not advertise itself within a minute");
            await Task.Delay(100);
        }

        await MaterializeAsync("""{"select": "*"}""", "97 published");
        var file = Path.Combine(SourceFolder, "orders", "2026-01-05.csv");
        var lines = await File.ReadAllLinesAsync(file);
        var index = Array.FindIndex(lines, l => l.EndsWith(",1,9.50,9.50,EUR", StringComparison.Ordinal));
        lines[index] = lines[index].Replace(",1,9.50,9.50,EUR", ",2,9.50,19.00,EUR", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(file, lines);
        await MaterializeAsync("""{"select": "raw_orders", "partition": "2026-01-05", "force": true}""", "1 published");
    }

    /// <summary>Runs a materialization through the daemon's API and waits for its summary.</summary>
    public async Task MaterializeAsync(string body, string expected)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri("materialize", UriKind.Relative), content);
        var stream = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK && stream.Contains(expected, StringComparison.Ordinal), $"materialize {body}: {response.StatusCode} {stream}");
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        Http.Dispose();
        if (_process is { HasExited: false })
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])!)
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by the stopping daemon: the temp folder is the system's to clear.
        }
    }

    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Assets.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Assets.sln not found above " + AppContext.BaseDirectory);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

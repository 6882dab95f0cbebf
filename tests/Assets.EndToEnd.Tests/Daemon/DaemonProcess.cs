using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Assets.EndToEnd.Tests.Daemon;

/// <summary><c>serve</c> run as a child process on a free loopback port, asked over HTTP, stopped with SIGTERM.</summary>
internal sealed class DaemonProcess : IAsyncDisposable
{
    private readonly Process _process;

    private DaemonProcess(Process process, string url, HttpClient http)
    {
        _process = process;
        Url = url;
        Http = http;
    }

    public string Url { get; }

    public HttpClient Http { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts serve and waits until it advertises itself next to the metadata store under <paramref name="root"/>.</summary>
    public static async Task<DaemonProcess> StartAsync(IReadOnlyDictionary<string, string> environment, string root)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = ExampleProgram.RepositoryRoot() };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ExampleAssets.dll"));
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url);
        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var daemon = new DaemonProcess(process, url, new HttpClient { BaseAddress = new Uri(url + "/") });
        var advertisement = Path.Combine(root, "_meta", "daemon.json");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (!File.Exists(advertisement))
        {
            Assert.False(process.HasExited, $"serve exited with {(process.HasExited ? process.ExitCode : 0)} before advertising itself");
            await Task.Delay(100, timeout.Token);
        }

        return daemon;
    }

    /// <summary>The daemon's <c>/status</c> rows as "asset[partition]" → status.</summary>
    public async Task<Dictionary<string, string>> StatusAsync(string? select = null)
    {
        using var json = JsonDocument.Parse(await Http.GetStringAsync(new Uri(select is null ? "status" : $"status?select={Uri.EscapeDataString(select)}", UriKind.Relative)));
        return json.RootElement.GetProperty("rows").EnumerateArray().ToDictionary(
            row => row.GetProperty("partition").GetString() is { } p ? $"{row.GetProperty("asset").GetString()}[{p}]" : row.GetProperty("asset").GetString()!,
            row => row.GetProperty("status").GetString()!);
    }

    /// <summary>Polls <c>/status</c> until <paramref name="done"/> holds; fails after <paramref name="timeout"/>.</summary>
    public async Task<Dictionary<string, string>> WaitForStatusAsync(Func<Dictionary<string, string>, bool> done, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var status = await StatusAsync();
            if (done(status))
            {
                return status;
            }

            Assert.False(_process.HasExited, $"serve exited with {(_process.HasExited ? _process.ExitCode : 0)} while waiting for {what}");
            Assert.True(watch.Elapsed < timeout, $"{what} did not happen within {timeout}: " + string.Join(", ", status.Where(s => s.Value != "published").Select(s => $"{s.Key} {s.Value}")));
            await Task.Delay(200);
        }
    }

    /// <summary>Sends SIGTERM and waits for the process to end (30 s at most).</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])!)
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Http.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

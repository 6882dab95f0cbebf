using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Assets.EndToEnd.Tests.Daemon;

/// <summary><c>serve</c> as a child process on a free loopback port: started, waited for (daemon.json), stopped with SIGTERM.</summary>
internal sealed class DaemonHarness : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _error;

    private DaemonHarness(Process process, string url, string advertisement)
    {
        _process = process;
        Url = url;
        Advertisement = advertisement;
        Http = new HttpClient { BaseAddress = new Uri(url + "/") };
        _ = process.StandardOutput.ReadToEndAsync();
        _error = process.StandardError.ReadToEndAsync();
    }

    public string Url { get; }

    public string Advertisement { get; }

    public Process Process => _process;

    /// <summary>A client of the daemon's HTTP API, relative to its URL.</summary>
    public HttpClient Http { get; }

    /// <summary>Starts <c>serve</c> with <paramref name="environment"/> and waits until it advertises itself.</summary>
    public static async Task<DaemonHarness> StartAsync(IReadOnlyDictionary<string, string> environment, string root)
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
        var daemon = new DaemonHarness(Process.Start(start)!, url, Path.Combine(root, "_meta", "daemon.json"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (!File.Exists(daemon.Advertisement))
        {
            Assert.False(daemon._process.HasExited, $"serve exited before advertising itself: {(daemon._process.HasExited ? await daemon._error : string.Empty)}");
            await Task.Delay(100, timeout.Token);
        }

        return daemon;
    }

    /// <summary>Sends SIGTERM and waits for the exit; returns the exit code and how long the stop took.</summary>
    public async Task<(int ExitCode, TimeSpan Took, string Error)> StopAsync()
    {
        var watch = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])!)
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        return (_process.ExitCode, watch.Elapsed, await _error);
    }

    /// <summary>The daemon's <c>/status</c> rows as "asset[partition]" (or "asset") → status.</summary>
    public async Task<Dictionary<string, string>> StatusAsync()
        => (await RowsAsync()).ToDictionary(r => r.Key, r => r.Value.Status);

    /// <summary>The daemon's <c>/status</c> rows as "asset[partition]" (or "asset") → (status, data version).</summary>
    public async Task<Dictionary<string, (string Status, string? DataVersion)>> RowsAsync()
    {
        using var json = JsonDocument.Parse(await Http.GetStringAsync(new Uri("status", UriKind.Relative)));
        return json.RootElement.GetProperty("rows").EnumerateArray().ToDictionary(
            row => row.GetProperty("partition").GetString() is { } p ? $"{row.GetProperty("asset").GetString()}[{p}]" : row.GetProperty("asset").GetString()!,
            row => (row.GetProperty("status").GetString()!, row.GetProperty("dataVersion").GetString()));
    }

    /// <summary>The daemon's <c>/history</c> of one partition (its events and attempts) as the JSON text it answers, for failure messages.</summary>
    public Task<string> HistoryAsync(string asset, string partition)
        => Http.GetStringAsync(new Uri($"history?select={Uri.EscapeDataString(asset)}&partition={Uri.EscapeDataString(partition)}", UriKind.Relative));

    /// <summary>
    /// Polls <c>/status</c> until <paramref name="done"/> holds (and <paramref name="rowsDone"/>, over statuses with data
    /// versions, when given); fails after <paramref name="timeout"/> naming what is not published.
    /// </summary>
    public async Task<Dictionary<string, string>> WaitForStatusAsync(
        Func<Dictionary<string, string>, bool> done, TimeSpan timeout, string what, Func<Dictionary<string, (string Status, string? DataVersion)>, bool>? rowsDone = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var rows = await RowsAsync();
            var status = rows.ToDictionary(r => r.Key, r => r.Value.Status);
            if (done(status) && (rowsDone is null || rowsDone(rows)))
            {
                return status;
            }

            Assert.False(_process.HasExited, $"serve exited while waiting for {what}: {(_process.HasExited ? await _error : string.Empty)}");
            Assert.True(watch.Elapsed < timeout, $"{what} did not happen within {timeout}: " + string.Join(", ", status.Where(s => s.Value != "published").Select(s => $"{s.Key} {s.Value}")));
            await Task.Delay(200);
        }
    }

    public void Dispose()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

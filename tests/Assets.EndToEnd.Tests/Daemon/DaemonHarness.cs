using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

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
        _ = process.StandardOutput.ReadToEndAsync();
        _error = process.StandardError.ReadToEndAsync();
    }

    public string Url { get; }

    public string Advertisement { get; }

    public Process Process => _process;

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

    public void Dispose()
    {
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

using System.Net;
using System.Net.Sockets;
using Assets.Hosting;
using Assets.Hosting.CommandLine;
using Assets.Hosting.Daemon;
using Assets.Hosting.Rendering;
using Assets.Host.Tests.CommandLine.Projects;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Assets.Host.Tests.CommandLine;

/// <summary>What the commands print when something goes wrong: one line with the cause, stack traces only with --verbose.</summary>
public sealed class OutputTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "assets-output-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void LogLine_AtTheDefaultVerbosity_IsOneLineWithTheExceptionsMessage_AndNoStackTrace()
    {
        var line = Format(verbose: false, "raw_orders[2026-01-05] failed on attempt 4, with no retry left", Thrown());

        Assert.Equal("fail: raw_orders[2026-01-05] failed on attempt 4, with no retry left: the share is unreachable" + Environment.NewLine, line);
    }

    [Fact]
    public void LogLine_WhoseMessageSaysTheError_DoesNotRepeatIt()
    {
        var line = Format(verbose: false, "attempt 1 failed: the share is unreachable; retrying in 2s", Thrown());

        Assert.Equal("fail: attempt 1 failed: the share is unreachable; retrying in 2s" + Environment.NewLine, line);
    }

    [Fact]
    public void LogLine_WithVerbose_AddsTheCategoryAndTheStackTrace()
    {
        var line = Format(verbose: true, "A daemon tick failed", Thrown());

        Assert.StartsWith("fail: Assets.Daemon[6] A daemon tick failed" + Environment.NewLine + "System.IO.IOException: the share is unreachable", line, StringComparison.Ordinal);
        Assert.Contains("   at ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DaemonThatStoppedAnswering_IsNamedAsSuch()
    {
        // A daemon advertised by a live process (this one) at a port where nothing listens any more.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var advertisement = DaemonAdvertisement.ForCurrentProcess($"http://127.0.0.1:{port}");
        Directory.CreateDirectory(Path.Combine(_root, "_meta"));
        advertisement.Write(DaemonAdvertisement.PathFor(Path.Combine(_root, "_meta", "assets.duckdb")));

        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await AssetsApplication.RunAsync(
            ["status", "--root", _root], b => b.Services.AddAssets(a => a.FromTypes(typeof(ShopAssets))), Terminal.ForWriters(output, error), CancellationToken.None);

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.StartsWith($"The daemon at http://127.0.0.1:{port}/ stopped answering (", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("run the command again", error.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static IOException Thrown()
    {
        try
        {
            throw new IOException("the share is unreachable");
        }
        catch (IOException e)
        {
            return e;
        }
    }

    private static string Format(bool verbose, string message, Exception exception)
    {
        var formatter = new CommandLogFormatter(new FixedOptions(new CommandLogFormatterOptions { Verbose = verbose }));
        using var writer = new StringWriter();
        formatter.Write(new LogEntry<string>(LogLevel.Error, "Assets.Daemon", new EventId(6), message, exception, (s, _) => s), null, writer);
        return writer.ToString();
    }

    private sealed class FixedOptions(CommandLogFormatterOptions value) : IOptionsMonitor<CommandLogFormatterOptions>
    {
        public CommandLogFormatterOptions CurrentValue => value;

        public CommandLogFormatterOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<CommandLogFormatterOptions, string?> listener) => null;
    }
}

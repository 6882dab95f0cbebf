using System.Text.Json;

namespace Assets.EndToEnd.Tests.Daemon;

/// <summary><c>serve</c> as a user runs it: advertised in daemon.json, answering HTTP, serving the other commands, stopping on SIGTERM.</summary>
public sealed class ServeTests : TempRoot
{
    // The example's assets are eager: with automation on, the daemon would materialize January under the comparisons.
    public ServeTests()
        : base("serve")
        => Settings["Assets__Daemon__Automation"] = "false";

    private string Advertisement => Path.Combine(Root, "_meta", "daemon.json");

    [Fact]
    public async Task CommandsGoThroughTheRunningDaemon_WithTheSameOutput_AndSigtermStopsIt()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // No SIGTERM to send.
        }

        var materialize = await ExampleProgram.RunAsync(Environment, "materialize", "--select", "raw_orders", "--from", "2026-01-01", "--to", "2026-01-03");
        Assert.True(materialize.ExitCode == 0, materialize.Error + materialize.Out);
        var statusAlone = await ExampleProgram.RunAsync(Environment, "status", "--json");
        var freshnessAlone = await ExampleProgram.RunAsync(Environment, "freshness", "--json", "--as-of", "2026-01-04T01:00:00Z");
        var planAlone = await ExampleProgram.RunAsync(Environment, "plan", "--select", "raw_orders", "--from", "2026-01-01", "--to", "2026-01-05");
        var observeAlone = await ExampleProgram.RunAsync(Environment, "observe", "--json");
        Assert.True(observeAlone.ExitCode == 0, observeAlone.Error);

        using var daemon = await DaemonHarness.StartAsync(Environment, Root);
        var url = daemon.Url;
        using (var advertised = JsonDocument.Parse(await File.ReadAllTextAsync(Advertisement)))
        {
            Assert.Equal(url, advertised.RootElement.GetProperty("url").GetString());
            Assert.Equal(daemon.Process.Id, advertised.RootElement.GetProperty("processId").GetInt32());
        }

        using var http = new HttpClient();
        // The Kubernetes probes: alive from the start, ready once the first tick has opened and reconciled the store.
        using (var live = await http.GetAsync(new Uri(url + "/health/live")))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, live.StatusCode);
        }

        var readiness = System.Net.HttpStatusCode.ServiceUnavailable;
        for (var i = 0; i < 120 && readiness != System.Net.HttpStatusCode.OK; i++)
        {
            using var ready = await http.GetAsync(new Uri(url + "/health/ready"));
            readiness = ready.StatusCode;
            if (readiness != System.Net.HttpStatusCode.OK)
            {
                await Task.Delay(250);
            }
        }

        Assert.Equal(System.Net.HttpStatusCode.OK, readiness);

        // /health includes readiness, so it is asked once the daemon is ready (before that it answers 503 by design).
        using (var health = JsonDocument.Parse(await http.GetStringAsync(new Uri(url + "/health"))))
        {
            // The example's raw_orders is long overdue by the real clock.
            Assert.Equal("degraded", health.RootElement.GetProperty("status").GetString());
            Assert.Contains("raw_orders", health.RootElement.GetProperty("overdue").EnumerateArray().Select(e => e.GetString()));
        }

        // With the daemon holding the store, these could not open it themselves: they succeed only through its API.
        var status = await ExampleProgram.RunAsync(Environment, "status", "--json");
        var freshness = await ExampleProgram.RunAsync(Environment, "freshness", "--json", "--as-of", "2026-01-04T01:00:00Z");
        var plan = await ExampleProgram.RunAsync(Environment, "plan", "--select", "raw_orders", "--from", "2026-01-01", "--to", "2026-01-05");
        var observe = await ExampleProgram.RunAsync(Environment, "observe", "--json");
        var unknown = await ExampleProgram.RunAsync(Environment, "status", "--select", "no_such_asset");
        Assert.Equal((statusAlone.ExitCode, statusAlone.Out), (status.ExitCode, status.Out));
        Assert.Equal((freshnessAlone.ExitCode, freshnessAlone.Out), (freshness.ExitCode, freshness.Out));
        Assert.Equal((planAlone.ExitCode, planAlone.Out), (plan.ExitCode, plan.Out));
        // The daemon observed the same files again: nothing new, each observation as first seen by the command alone.
        Assert.True(observe.ExitCode == 0, observe.Error);
        Assert.Equal(
            observeAlone.Out.Replace("\"changed\": true", "\"changed\": false", StringComparison.Ordinal),
            observe.Out);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no_such_asset", unknown.Error, StringComparison.Ordinal);

        var stop = await daemon.StopAsync();
        Assert.True(stop.ExitCode == 0, stop.Error);
        Assert.False(File.Exists(Advertisement), "a clean stop removes daemon.json");

        // The store is free again: a command opens it itself.
        var after = await ExampleProgram.RunAsync(Environment, "status", "--json");
        Assert.Equal(statusAlone.Out, after.Out);
    }

    [Fact]
    public async Task AStaleAdvertisement_IsIgnored()
    {
        var alone = await ExampleProgram.RunAsync(Environment, "status", "--json");
        Assert.Equal(0, alone.ExitCode);

        // A daemon that died without cleaning up: its pid no longer runs (or runs another program, started at another time).
        Directory.CreateDirectory(Path.GetDirectoryName(Advertisement)!);
        await File.WriteAllTextAsync(Advertisement, $$"""{"url": "http://127.0.0.1:9", "processId": {{System.Environment.ProcessId}}, "processStartedAt": "2000-01-01T00:00:00Z"}""");
        var status = await ExampleProgram.RunAsync(Environment, "status", "--json");
        Assert.Equal((0, alone.Out), (status.ExitCode, status.Out));
    }
}

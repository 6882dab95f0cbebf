using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Assets.Metadata;
using Assets.Storage.Metadata;
using DuckDB.NET.Data;

namespace Assets.EndToEnd.Tests.Daemon;

/// <summary>
/// <c>materialize</c> and <c>backfill</c> while <c>serve</c> holds the store: they run in the daemon (its shared step
/// slots) with the same output and exit codes, and SIGTERM on the daemon stops its in-flight work cleanly.
/// </summary>
public sealed class DaemonWorkTests : TempRoot
{
    // The example's assets are eager: with automation on, the daemon would run January beside the runs under test.
    public DaemonWorkTests()
        : base("daemon-work")
        => Settings["Assets__Daemon__Automation"] = "false";

    private string MetadataFile => Path.Combine(Root, "_meta", "assets.duckdb");

    [Fact]
    public async Task MaterializeAndBackfills_RunInTheDaemon_WithTheCommandsOutputAndExitCodes()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // No SIGTERM to send.
        }

        string listThrough, dryRunThrough, dryRunJsonThrough, statusThrough;
        using (var daemon = await DaemonHarness.StartAsync(Environment, Root))
        {
            var materialize = await ExampleProgram.RunAsync(Environment, "materialize", "--select", "raw_orders", "--partition", "2026-01-05");
            Assert.True(materialize.ExitCode == 0, materialize.Error + materialize.Out);
            Assert.Contains("Run ", materialize.Out, StringComparison.Ordinal);
            Assert.Contains("published   raw_orders[2026-01-05]", materialize.Out, StringComparison.Ordinal);
            Assert.Contains("1 published", materialize.Out, StringComparison.Ordinal);

            using (var status = JsonDocument.Parse((await ExampleProgram.RunAsync(Environment, "status", "--json", "--select", "raw_orders", "--partition", "2026-01-05")).Out))
            {
                var row = status.RootElement.GetProperty("rows").EnumerateArray().Single();
                Assert.Equal(("2026-01-05", "published"), (row.GetProperty("partition").GetString(), row.GetProperty("status").GetString()));
            }

            var again = await ExampleProgram.RunAsync(Environment, "materialize", "--select", "raw_orders", "--partition", "2026-01-05");
            Assert.Equal(0, again.ExitCode);
            Assert.Contains("Nothing to do", again.Out, StringComparison.Ordinal);

            var backfill = await ExampleProgram.RunAsync(Environment, "backfill", "start", "--select", "raw_orders", "--from", "2026-01-01", "--to", "2026-01-07");
            Assert.True(backfill.ExitCode == 0, backfill.Error + backfill.Out);
            Assert.Contains("completed", backfill.Out, StringComparison.Ordinal);

            var list = await ExampleProgram.RunAsync(Environment, "backfill", "list", "--json");
            Assert.Equal(0, list.ExitCode);
            listThrough = list.Out;
            string id;
            using (var document = JsonDocument.Parse(list.Out))
            {
                var item = document.RootElement.GetProperty("backfills").EnumerateArray().Single();
                Assert.Equal("completed", item.GetProperty("status").GetString());
                Assert.Equal((6, 6), (item.GetProperty("steps").GetInt32(), item.GetProperty("done").GetInt32())); // 2026-01-05 was published already
                id = item.GetProperty("id").GetString()!;
            }

            statusThrough = (await ExampleProgram.RunAsync(Environment, "backfill", "status", id)).Out;
            Assert.Contains($"Backfill {id}: completed", statusThrough, StringComparison.Ordinal);
            var resume = await ExampleProgram.RunAsync(Environment, "backfill", "resume", id);
            Assert.Equal(0, resume.ExitCode);
            Assert.Contains("already completed", resume.Out, StringComparison.Ordinal);

            var unknown = await ExampleProgram.RunAsync(Environment, "backfill", "cancel", "zzzzzzzz");
            Assert.Equal(2, unknown.ExitCode);
            Assert.Contains("There is no backfill zzzzzzzz", unknown.Error, StringComparison.Ordinal);
            var completedCancel = await ExampleProgram.RunAsync(Environment, "backfill", "cancel", id);
            Assert.Equal(1, completedCancel.ExitCode);
            Assert.Contains("already completed", completedCancel.Error, StringComparison.Ordinal);

            dryRunThrough = (await ExampleProgram.RunAsync(Environment, "backfill", "start", "--select", "raw_orders+", "--from", "2026-01-01", "--to", "2026-01-03", "--dry-run")).Out;
            dryRunJsonThrough = (await ExampleProgram.RunAsync(Environment, "backfill", "start", "--select", "raw_orders+", "--from", "2026-01-01", "--to", "2026-01-03", "--dry-run", "--json")).Out;
            Assert.Contains("Dry run:", dryRunThrough, StringComparison.Ordinal);

            // The API itself: the caller's mistakes are 400 with {"error": ...}.
            using var http = new HttpClient { BaseAddress = new Uri(daemon.Url + "/") };
            using (var bad = await http.PostAsync(new Uri("materialize", UriKind.Relative), Json("""{"select": "no_such_asset"}""")))
            {
                Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
                Assert.Contains("no_such_asset", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
            }

            using (var badRange = await http.PostAsync(new Uri("backfills", UriKind.Relative), Json("""{"select": "raw_orders", "partition": "2026-01-01", "from": "2026-01-01"}""")))
            {
                Assert.Equal(HttpStatusCode.BadRequest, badRange.StatusCode);
            }

            using (var unknownResume = await http.PostAsync(new Uri("backfills/zzzzzzzz/resume", UriKind.Relative), null))
            {
                Assert.Equal(HttpStatusCode.BadRequest, unknownResume.StatusCode);
            }

            using (var stream = await http.PostAsync(new Uri("materialize", UriKind.Relative), Json("""{"select": "raw_orders", "partition": "2026-01-06", "force": true}""")))
            {
                Assert.Equal("application/x-ndjson", stream.Content.Headers.ContentType?.MediaType);
                var lines = (await stream.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
                Assert.Equal(["run", "step", "summary"], lines.Select(l => l.GetProperty("type").GetString()));
                Assert.Equal("published", lines[1].GetProperty("outcome").GetString());
                Assert.Equal(0, lines[2].GetProperty("exitCode").GetInt32());
                Assert.Equal(1, lines[2].GetProperty("counts").GetProperty("published").GetInt32());
            }

            var stopped = await daemon.StopAsync();
            Assert.True(stopped.ExitCode == 0, stopped.Error);
        }

        // The same commands on the store itself give the same documents and text.
        Assert.Equal(listThrough, (await ExampleProgram.RunAsync(Environment, "backfill", "list", "--json")).Out);
        Assert.Equal(dryRunThrough, (await ExampleProgram.RunAsync(Environment, "backfill", "start", "--select", "raw_orders+", "--from", "2026-01-01", "--to", "2026-01-03", "--dry-run")).Out);
        Assert.Equal(dryRunJsonThrough, (await ExampleProgram.RunAsync(Environment, "backfill", "start", "--select", "raw_orders+", "--from", "2026-01-01", "--to", "2026-01-03", "--dry-run", "--json")).Out);
        var ids = JsonDocument.Parse(listThrough).RootElement.GetProperty("backfills").EnumerateArray().Single().GetProperty("id").GetString()!;
        Assert.Equal(statusThrough, (await ExampleProgram.RunAsync(Environment, "backfill", "status", ids)).Out);
    }

    [Fact]
    public async Task Sigterm_WithABackfillRunningInTheDaemon_StopsItCleanly_AndResumeCompletesIt()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var environment = Environment;
        environment["Assets__Daemon__Slots"] = "1";
        string id;
        using (var daemon = await DaemonHarness.StartAsync(environment, Root))
        {
            using var http = new HttpClient { BaseAddress = new Uri(daemon.Url + "/") };
            using (var started = await http.PostAsync(new Uri("backfills", UriKind.Relative), Json("""{"select": "*", "maxConcurrency": 1}""")))
            {
                Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
                var backfill = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("backfill");
                id = backfill.GetProperty("id").GetString()!;
                Assert.Equal(97, backfill.GetProperty("steps").GetInt32());
            }

            // Steps in flight: wait until a few are published, then stop the daemon.
            using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
            {
                while ((await http.GetFromJsonAsync<JsonElement>(new Uri($"backfills/{id}", UriKind.Relative), timeout.Token)).GetProperty("done").GetInt32() < 5)
                {
                    await Task.Delay(50, timeout.Token);
                }
            }

            var resumeWhileRunning = await http.PostAsync(new Uri($"backfills/{id}/resume", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.Conflict, resumeWhileRunning.StatusCode);

            var stopped = await daemon.StopAsync();
            Assert.True(stopped.ExitCode == 0, stopped.Error);
            Assert.True(stopped.Took < TimeSpan.FromSeconds(15), $"serve took {stopped.Took} to stop");
            Assert.False(File.Exists(daemon.Advertisement));
        }

        AssertNothingLeftRunning();
        var verify = await ExampleProgram.RunAsync(environment, "verify");
        Assert.True(verify.ExitCode == 0, verify.Error + verify.Out);
        using (var status = JsonDocument.Parse((await ExampleProgram.RunAsync(environment, "backfill", "status", id, "--json")).Out))
        {
            Assert.Equal("cancelled", status.RootElement.GetProperty("status").GetString());
            Assert.InRange(status.RootElement.GetProperty("done").GetInt32(), 5, 96);
        }

        // Resumed through a new daemon, followed by the command until it completes.
        using (var daemon = await DaemonHarness.StartAsync(environment, Root))
        {
            var resumed = await ExampleProgram.RunAsync(environment, "backfill", "resume", id);
            Assert.True(resumed.ExitCode == 0, resumed.Error + resumed.Out);
            Assert.Contains($"Backfill {id} completed", resumed.Out, StringComparison.Ordinal);
            var stopped = await daemon.StopAsync();
            Assert.Equal(0, stopped.ExitCode);
        }

        await using var metadata = await DuckDbMetadataStore.OpenAsync(MetadataFile);
        var states = await metadata.GetStatesAsync();
        Assert.Equal(97, states.Count);
        Assert.All(states, s => Assert.Equal((PartitionStatus.Published, 1L), (s.Status, s.Sequence ?? 0)));
    }

    [Fact]
    public async Task Sigterm_WithAMaterializeStreamingFromTheDaemon_CancelsTheRunCleanly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var environment = Environment;
        environment["Assets__Daemon__Slots"] = "1";
        using (var daemon = await DaemonHarness.StartAsync(environment, Root))
        {
            var exitCode = await ExampleProgram.RunUntilPublishedAsync(environment, ["materialize", "--select", "*", "--parallel", "1"], published: 5, async (_, _) =>
            {
                var stopped = await daemon.StopAsync();
                Assert.True(stopped.ExitCode == 0, stopped.Error);
                Assert.True(stopped.Took < TimeSpan.FromSeconds(15), $"serve took {stopped.Took} to stop");
            });

            Assert.Equal(1, exitCode); // the summary says cancelled
        }

        AssertNothingLeftRunning();
        var verify = await ExampleProgram.RunAsync(environment, "verify");
        Assert.True(verify.ExitCode == 0, verify.Error + verify.Out);
        await using var metadata = await DuckDbMetadataStore.OpenAsync(MetadataFile);
        Assert.All(await metadata.GetStatesAsync(), s => Assert.NotEqual(PartitionStatus.Running, s.Status));
        var events = await metadata.GetEventsAsync(limit: 100_000);
        Assert.Contains(events, e => e.Kind == RunEventKind.RunCancelled);
        Assert.DoesNotContain(events, e => e.Kind is RunEventKind.RunCompleted or RunEventKind.RunFailed);
    }

    [Fact]
    public async Task BackfillStartThroughTheDaemon_FollowsIt_CtrlCCancelsItThere_AndCancelGoesStraightToTheDaemon()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var environment = Environment;
        environment["Assets__Daemon__Slots"] = "1";
        using var daemon = await DaemonHarness.StartAsync(environment, Root);
        using var http = new HttpClient { BaseAddress = new Uri(daemon.Url + "/") };

        // backfill start follows the daemon's record; SIGTERM on the command (as Ctrl+C) asks the daemon to cancel it.
        string? first = null;
        var output = new List<string>();
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = ExampleProgram.RepositoryRoot() };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "ExampleAssets.dll"), "backfill", "start", "--select", "*", "--max-concurrency", "1" })
        {
            start.ArgumentList.Add(arg);
        }

        using (var command = System.Diagnostics.Process.Start(start)!)
        {
            _ = command.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while (await command.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                first ??= line;
                output.Add(line);
                if (line.StartsWith('[') && line.Contains(" done", StringComparison.Ordinal))
                {
                    using var kill = System.Diagnostics.Process.Start("kill", ["-TERM", command.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
                    await kill.WaitForExitAsync(timeout.Token);
                    break;
                }
            }

            while (await command.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                output.Add(line);
            }

            await command.WaitForExitAsync(timeout.Token);
            Assert.True(command.ExitCode == 1, string.Join('\n', output));
        }

        var id = first!.Split(' ', ':')[1];
        Assert.Contains(output, l => l.StartsWith($"Backfill {id} cancelled", StringComparison.Ordinal));
        using (var status = JsonDocument.Parse(await http.GetStringAsync(new Uri($"backfills/{id}", UriKind.Relative))))
        {
            Assert.Equal("cancelled", status.RootElement.GetProperty("status").GetString());
        }

        // Resumed in the daemon, then cancelled by `backfill cancel`, which asks the daemon directly.
        using (var resumed = await http.PostAsync(new Uri($"backfills/{id}/resume", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.Accepted, resumed.StatusCode);
            Assert.Equal("running", (await resumed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        }

        var cancel = await ExampleProgram.RunAsync(environment, "backfill", "cancel", id);
        Assert.True(cancel.ExitCode == 0, cancel.Error + cancel.Out);
        Assert.False(File.Exists(Path.Combine(Root, "_meta", "cancel-requests", id)), "no request file through the daemon");
        using (var status = JsonDocument.Parse(await http.GetStringAsync(new Uri($"backfills/{id}", UriKind.Relative))))
        {
            // The command starts in about a second; on a fast machine the rest of the backfill may be done by then.
            var ended = status.RootElement.GetProperty("status").GetString();
            Assert.Contains($"Backfill {id} {(ended == "completed" ? "ended completed before it could be cancelled" : "cancelled")}", cancel.Out, StringComparison.Ordinal);
            Assert.Contains(ended, new[] { "cancelled", "completed" });
        }

        var resume = await ExampleProgram.RunAsync(environment, "backfill", "resume", id);
        Assert.True(resume.ExitCode == 0, resume.Error + resume.Out);
        Assert.Matches($"Backfill {id} (already )?completed", resume.Out);
        var stopped = await daemon.StopAsync();
        Assert.Equal(0, stopped.ExitCode);
    }

    /// <summary>
    /// No partition left running, as the daemon left the file (read raw: the next open settles a dead run's partitions
    /// itself). Leases live in the daemon's memory only; a partition still running is what a lease not released shows.
    /// </summary>
    private void AssertNothingLeftRunning()
    {
        using var connection = new DuckDBConnection($"Data Source={MetadataFile};ACCESS_MODE=READ_ONLY");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM partition_states WHERE status = 1"; // StoredForm's code for Running
        Assert.Equal(0L, Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}

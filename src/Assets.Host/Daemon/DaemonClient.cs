using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Assets.Backfills;
using Assets.Hosting.CommandLine;
using Assets.Hosting.Rendering;
using NodaTime;
using NodaTime.Text;

namespace Assets.Hosting.Daemon;

/// <summary>Asks a running daemon over its HTTP API; the daemon's usage errors come back as the same usage errors.</summary>
internal sealed class DaemonClient(HttpClient http) : IAssetsQueries, IDisposable
{
    public Task<string> StatusAsync(string? select, (string? Partition, string? From, string? To) range, CancellationToken cancellationToken)
        => GetAsync("status" + Query(("select", select), ("partition", range.Partition), ("from", range.From), ("to", range.To)), cancellationToken);

    public async Task<IReadOnlyList<StatusRow>> StatusRowsAsync(string? select, (string? Partition, string? From, string? To) range, CancellationToken cancellationToken)
        => CommandJson.StatusRows(await StatusAsync(select, range, cancellationToken).ConfigureAwait(false));

    public Task<string> PlanAsync(string select, (string? Partition, string? From, string? To) range, bool force, CancellationToken cancellationToken)
        => GetAsync("plan" + Query(("select", select), ("partition", range.Partition), ("from", range.From), ("to", range.To), ("force", force ? "true" : null)), cancellationToken);

    public Task<string> FreshnessAsync(Instant asOf, CancellationToken cancellationToken)
        => GetAsync("freshness" + Query(("asOf", InstantPattern.ExtendedIso.Format(asOf))), cancellationToken);

    public Task<string> ObserveAsync(string? select, (string? Partition, string? From, string? To) range, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Post, "observe" + Query(("select", select), ("partition", range.Partition), ("from", range.From), ("to", range.To)), null, cancellationToken);

    public Task<string> HistoryAsync(string select, string? partition, CancellationToken cancellationToken)
        => GetAsync("history" + Query(("select", select), ("partition", partition)), cancellationToken);

    public Task<string> RollbackAsync(string select, string? partition, string? to, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Post, "rollback" + Query(("select", select), ("partition", partition), ("to", to)), null, cancellationToken);

    public Task<string> GcAsync(bool dryRun, Duration olderThan, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Post, "gc" + Query(("dryRun", dryRun ? "true" : null), ("olderThan", DurationText.Format(olderThan))), null, cancellationToken);

    /// <summary>
    /// A client of the daemon <paramref name="daemon"/> advertises; no timeout, since a run streams as long as it takes.
    /// With <paramref name="token"/> (<c>Assets:Daemon:Token</c>) every request carries it as a bearer token.
    /// </summary>
    public static DaemonClient For(DaemonAdvertisement daemon, string? token = null)
    {
        var http = new HttpClient { BaseAddress = new Uri(daemon.Url.TrimEnd('/') + "/"), Timeout = Timeout.InfiniteTimeSpan };
        if (!string.IsNullOrEmpty(token))
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return new DaemonClient(http);
    }

    /// <summary>
    /// <c>POST /materialize</c>: runs in the daemon; every NDJSON line is handed to <paramref name="onLine"/> as it arrives.
    /// Cancelling <paramref name="cancellationToken"/> closes the connection, which cancels the run in the daemon cleanly.
    /// </summary>
    public async Task MaterializeAsync(MaterializeRequest request, Func<MaterializeLine, Task> onLine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onLine);
        try
        {
            await StreamAsync(request, onLine, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (StoppedAnswering(e, cancellationToken) is { } stopped)
        {
            throw stopped;
        }
    }

    private async Task StreamAsync(MaterializeRequest request, Func<MaterializeLine, Task> onLine, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri("materialize", UriKind.Relative)) { Content = Json(request) };
        using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await ThrowIfFailedAsync(response, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (line.Length > 0)
                {
                    await onLine(MaterializeLine.Parse(line)).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary><c>POST /backfills</c>: the dry-run document with <see cref="BackfillStartRequest.DryRun"/>, else the started document.</summary>
    public Task<string> StartBackfillAsync(BackfillStartRequest request, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Post, "backfills", Json(request), cancellationToken);

    /// <summary><c>GET /backfills</c>: the <c>backfill list --json</c> document.</summary>
    public Task<string> ListBackfillsAsync(CancellationToken cancellationToken) => GetAsync("backfills", cancellationToken);

    /// <summary><c>GET /backfills/{id}</c>: the <c>backfill status --json</c> document.</summary>
    public Task<string> GetBackfillAsync(BackfillId id, CancellationToken cancellationToken) => GetAsync("backfills/" + id.Value, cancellationToken);

    /// <summary><c>POST /backfills/{id}/resume</c>: resumes it in the daemon; the status document once it runs.</summary>
    public Task<string> ResumeBackfillAsync(BackfillId id, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Post, $"backfills/{id.Value}/resume", null, cancellationToken);

    /// <summary><c>POST /backfills/{id}/cancel</c>: cancels it in the daemon; the status document once it has stopped.</summary>
    public Task<string> CancelBackfillAsync(BackfillId id, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Post, $"backfills/{id.Value}/cancel", null, cancellationToken);

    public void Dispose() => http.Dispose();

    private Task<string> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, path, null, cancellationToken);

    private async Task<string> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        try
        {
            using var message = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
            using var response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
            await ThrowIfFailedAsync(response, cancellationToken).ConfigureAwait(false);
            return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (StoppedAnswering(e, cancellationToken) is { } stopped)
        {
            throw stopped;
        }
    }

    /// <summary>
    /// The daemon was advertised as live, but the connection failed or its answer broke off: it stopped (or was killed)
    /// while the command talked to it. Said as such, instead of the socket's "The response ended prematurely".
    /// </summary>
    private DaemonException? StoppedAnswering(Exception error, CancellationToken cancellationToken)
        => !cancellationToken.IsCancellationRequested && error is HttpRequestException or HttpIOException or IOException
            ? new DaemonException(
                $"The daemon at {http.BaseAddress} stopped answering ({error.Message}). If it was stopped, run the command again: "
                + "it then opens the store itself; `status` shows what was published.")
            : null;

    private static StringContent Json<T>(T body) => new(JsonSerializer.Serialize(body, JsonOutput.Options), Encoding.UTF8, "application/json");

    /// <summary>400: the caller's mistake (exit 2); 409: the backfill's state forbids it (exit 1, as in this process); else the daemon's failure.</summary>
    private static async Task ThrowIfFailedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        DaemonError? error;
        try
        {
            error = await response.Content.ReadFromJsonAsync<DaemonError>(cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            error = null;
        }

        var message = error?.Error ?? $"The daemon answered {(int)response.StatusCode}.";
        throw response.StatusCode switch
        {
            // A missing or wrong Assets:Daemon:Token is the caller's configuration to fix: exit 2, like a bad option.
            HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new CommandUsageException(message),
            HttpStatusCode.Conflict => new BackfillStateException(message),
            _ => new DaemonException(message),
        };
    }

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var given = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToArray();
        return given.Length == 0 ? string.Empty : "?" + string.Join('&', given);
    }
}

/// <summary>The body of a daemon's error answer.</summary>
internal sealed record DaemonError(string Error);

/// <summary>The daemon failed to answer a request; the message says why.</summary>
internal sealed class DaemonException(string message) : Exception(message);

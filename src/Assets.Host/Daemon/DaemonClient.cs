using System.Net;
using System.Net.Http.Json;
using Assets.Hosting.CommandLine;
using NodaTime;
using NodaTime.Text;

namespace Assets.Hosting.Daemon;

/// <summary>Asks a running daemon over its HTTP API; the daemon's usage errors come back as the same usage errors.</summary>
internal sealed class DaemonClient(HttpClient http) : IAssetsQueries, IDisposable
{
    public Task<string> StatusAsync(string? select, (string? Partition, string? From, string? To) range, CancellationToken cancellationToken)
        => GetAsync("status" + Query(("select", select), ("partition", range.Partition), ("from", range.From), ("to", range.To)), cancellationToken);

    public Task<string> PlanAsync(string select, (string? Partition, string? From, string? To) range, bool force, CancellationToken cancellationToken)
        => GetAsync("plan" + Query(("select", select), ("partition", range.Partition), ("from", range.From), ("to", range.To), ("force", force ? "true" : null)), cancellationToken);

    public Task<string> FreshnessAsync(Instant asOf, CancellationToken cancellationToken)
        => GetAsync("freshness" + Query(("asOf", InstantPattern.ExtendedIso.Format(asOf))), cancellationToken);

    public void Dispose() => http.Dispose();

    private async Task<string> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }

        var error = await response.Content.ReadFromJsonAsync<DaemonError>(cancellationToken).ConfigureAwait(false);
        var message = error?.Error ?? $"The daemon answered {(int)response.StatusCode}.";
        throw response.StatusCode == HttpStatusCode.BadRequest ? new CommandUsageException(message) : new DaemonException(message);
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

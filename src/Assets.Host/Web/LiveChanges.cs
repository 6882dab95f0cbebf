using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Assets.Hosting.Web;

/// <summary>
/// <c>GET /ui/events</c>: server-sent events that tell open pages something changed, so they refresh their live regions
/// through htmx (app.js turns each <c>changed</c> event into the <c>assets-changed</c> trigger). A change is a new entry in
/// the event log (a run or step started or ended, anywhere: the UI, a command through the daemon, automation, a
/// backfill) or a new status fingerprint of the store (publishes, rollbacks, observations). The store is asked at most
/// every <see cref="PollInterval"/> however many pages are open, and only while one is: a change shows within a second.
/// </summary>
internal sealed class LiveChanges(WebData data) : IDisposable
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Stopwatch _sinceCheck = new();
    private string _version = string.Empty;

    /// <summary>What the store looks like now, as a string that changes when anything a page shows changes.</summary>
    public async Task<string> VersionAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_sinceCheck.IsRunning && _sinceCheck.Elapsed < PollInterval)
            {
                return _version;
            }

            var metadata = await data.MetadataAsync(cancellationToken).ConfigureAwait(false);
            var events = await metadata.GetEventsAsync(null, null, 1, cancellationToken).ConfigureAwait(false);
            var newest = events.Count > 0 ? events[0] : null;
            var fingerprint = await metadata.GetStatusFingerprintAsync(cancellationToken).ConfigureAwait(false);
            _version = $"{newest?.RunId.Value}|{newest?.At.ToUnixTimeTicks()}|{newest?.Kind}|{newest?.Partition}|{fingerprint}";
            _sinceCheck.Restart();
            return _version;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Streams <c>changed</c> events until the page goes away or the daemon stops.</summary>
    public async Task StreamAsync(HttpContext http, CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        var cancellationToken = linked.Token;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            await WriteAsync(http, "retry: 2000\n\n", cancellationToken).ConfigureAwait(false);
            var seen = await VersionAsync(cancellationToken).ConfigureAwait(false);
            var quiet = Stopwatch.StartNew();
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
                var now = await VersionAsync(cancellationToken).ConfigureAwait(false);
                if (now != seen)
                {
                    seen = now;
                    quiet.Restart();
                    await WriteAsync(http, "event: changed\ndata: {}\n\n", cancellationToken).ConfigureAwait(false);
                }
                else if (quiet.Elapsed > KeepAlive)
                {
                    quiet.Restart();
                    await WriteAsync(http, ": still here\n\n", cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The page went away, or the daemon stops: the browser reconnects to the next daemon by itself.
        }
    }

    public void Dispose() => _gate.Dispose();

    private static async Task WriteAsync(HttpContext http, string text, CancellationToken cancellationToken)
    {
        await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
        await http.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}

using System.Text.Json;
using System.Threading.Channels;
using Assets.Backfills;
using Assets.Graph;
using Assets.Hosting.CommandLine;
using Assets.Hosting.Rendering;
using Assets.Partitions;
using Assets.Planning;
using Assets.Selection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Assets.Hosting.Daemon;

/// <summary>
/// The daemon's endpoints that run work: <c>POST /materialize</c> (NDJSON progress, see <see cref="MaterializeLine"/>)
/// and the backfills (<c>POST /backfills</c>, <c>GET /backfills</c>, <c>GET /backfills/{id}</c>,
/// <c>POST /backfills/{id}/resume</c>, <c>POST /backfills/{id}/cancel</c>), with the documents of the commands'
/// <c>--json</c>. Errors are <c>{"error": ...}</c>: 400 for the caller's mistakes, 409 when the backfill's state
/// forbids it, 503 while the daemon stops.
/// </summary>
internal static class DaemonApi
{
    public static void Map(WebApplication app, IServiceProvider services, DaemonWork work)
    {
        app.MapPost("/materialize", (HttpContext http) => MaterializeAsync(http, services, work));
        app.MapPost("/backfills", (Delegate)((HttpContext http) => AnswerAsync(() => StartBackfillAsync(http, services, work))));
        app.MapGet("/backfills", (CancellationToken ct) => AnswerAsync(async () => Json(BackfillJson.List(await work.Backfills.ListAsync(ct).ConfigureAwait(false)))));
        app.MapGet("/backfills/{id}", (string id, CancellationToken ct) => AnswerAsync(async () => Json(await StatusAsync(work, ParseId(id), ct).ConfigureAwait(false))));
        app.MapPost("/backfills/{id}/resume", (string id, CancellationToken ct) => AnswerAsync(async () =>
        {
            var backfill = await work.ResumeBackfillAsync(ParseId(id), ct).ConfigureAwait(false);
            return Json(await StatusAsync(work, backfill.Id, ct).ConfigureAwait(false), StatusCodes.Status202Accepted);
        }));
        app.MapPost("/backfills/{id}/cancel", (string id, CancellationToken ct) => AnswerAsync(async () =>
        {
            var backfill = await work.CancelBackfillAsync(ParseId(id), ct).ConfigureAwait(false);
            return Json(await StatusAsync(work, backfill.Id, ct).ConfigureAwait(false));
        }));
    }

    /// <summary>The result of <paramref name="answer"/>, or the error as <c>{"error": ...}</c> with its status code.</summary>
    public static async Task<IResult> AnswerAsync(Func<Task<IResult>> answer)
    {
        try
        {
            return await answer().ConfigureAwait(false);
        }
        catch (Exception e) when (ErrorOf(e) is { } error)
        {
            return error;
        }
    }

    /// <summary>
    /// The error answer of <paramref name="e"/>: 400 for what the caller got wrong (the CLI's exit code 2), 409 for a
    /// backfill whose state forbids the request, 503 while the daemon stops, 500 otherwise; null for a cancellation.
    /// </summary>
    public static IResult? ErrorOf(Exception e) => e switch
    {
        AssetSelectionException or UnknownAssetException or PartitionKeyException or CommandUsageException => Error(e, StatusCodes.Status400BadRequest),
        BackfillStateException => Error(e, StatusCodes.Status409Conflict),
        DaemonStoppingException => Error(e, StatusCodes.Status503ServiceUnavailable),
        OperationCanceledException => null,
        _ => Error(e, StatusCodes.Status500InternalServerError),
    };

    private static IResult Error(Exception e, int status) => Results.Json(new DaemonError(e.Message), JsonOutput.Options, statusCode: status);

    private static IResult Json(string document, int status = StatusCodes.Status200OK)
        => Results.Text(document, "application/json", statusCode: status);

    /// <summary>
    /// Plans, answers 400 for a bad request, else streams the run as NDJSON: the <c>run</c> line, a <c>step</c> line per
    /// finished step, and the <c>summary</c> (or <c>error</c>) line. The run is tied to the request: when the client
    /// goes away (Ctrl+C on <c>materialize</c>) the run is cancelled the executor's way, so nothing partial is published.
    /// </summary>
    private static async Task MaterializeAsync(HttpContext http, IServiceProvider services, DaemonWork work)
    {
        var cancellationToken = http.RequestAborted;
        Plan plan;
        int parallel;
        try
        {
            var request = (await ReadAsync<MaterializeRequest>(http).ConfigureAwait(false)).Validate();
            parallel = request.Parallel ?? work.Slots.Count;
            plan = await PlanningCommands.PlanAsync(services, request.Select!, request.Range, request.Force, cancellationToken).ConfigureAwait(false);
            if (work.Stopping.IsCancellationRequested)
            {
                throw new DaemonStoppingException("The daemon is stopping: it starts no new work.");
            }
        }
        catch (Exception e) when (ErrorOf(e) is { } error)
        {
            await error.ExecuteAsync(http).ConfigureAwait(false);
            return;
        }

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/x-ndjson; charset=utf-8";
        var lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        var writer = WriteLinesAsync(http.Response, lines.Reader, cancellationToken);
        MaterializeLine last;
        try
        {
            last = await MaterializeRun.RunAsync(
                plan,
                parallel,
                (p, run, n, progress, ct) => work.MaterializeAsync(p, "api", run, n, progress, ct),
                line => lines.Writer.TryWrite(line.ToJson()),
                cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The stream has begun: the error goes to the client as the last line.
        catch (Exception e)
#pragma warning restore CA1031
        {
            last = MaterializeLine.Failed(e.Message);
        }

        lines.Writer.TryWrite(last.ToJson());
        lines.Writer.TryComplete();
        await writer.ConfigureAwait(false);
    }

    /// <summary>Writes each line and flushes it; once the client is gone the rest is dropped.</summary>
    private static async Task WriteLinesAsync(HttpResponse response, ChannelReader<string> lines, CancellationToken cancellationToken)
    {
        var gone = false;
        await foreach (var line in lines.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (gone)
            {
                continue;
            }

            try
            {
                await response.WriteAsync(line + "\n", cancellationToken).ConfigureAwait(false);
                await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                gone = true;
            }
        }
    }

    private static async Task<IResult> StartBackfillAsync(HttpContext http, IServiceProvider services, DaemonWork work)
    {
        var cancellationToken = http.RequestAborted;
        var body = await ReadAsync<BackfillStartRequest>(http).ConfigureAwait(false);
        var request = body.ToRequest();
        var grid = await PlanningCommands.EvaluateAsync(services, cancellationToken).ConfigureAwait(false);
        var plan = BackfillPlan.Create(services.GetRequiredService<AssetGraph>(), grid, request);
        if (body.DryRun)
        {
            return Json(BackfillJson.DryRun(plan));
        }

        if (plan.Steps.Count == 0)
        {
            return Json(BackfillJson.Started(null, 0, request));
        }

        var backfill = await work.StartBackfillAsync(plan, cancellationToken).ConfigureAwait(false);
        return Json(BackfillJson.Started(backfill, plan.Runs, request), StatusCodes.Status202Accepted);
    }

    private static async Task<string> StatusAsync(DaemonWork work, BackfillId id, CancellationToken cancellationToken)
    {
        var backfill = await work.Backfills.GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw NotFound(id);
        return BackfillJson.Status(backfill, await work.Backfills.GetStepsAsync(id, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<T> ReadAsync<T>(HttpContext http)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(http.Request.Body, DaemonJson.Requests, http.RequestAborted).ConfigureAwait(false)
                ?? throw new CommandUsageException("The request needs a JSON object as its body.");
        }
        catch (JsonException e)
        {
            throw new CommandUsageException($"The request's body is not the JSON expected: {e.Message}");
        }
    }

    private static BackfillId ParseId(string text)
        => BackfillId.TryParse(text, out var id)
            ? id
            : throw new CommandUsageException($"'{text}' is not a backfill id: ids are eight lower-case letters and digits, as `backfill list` shows them.");

    private static CommandUsageException NotFound(BackfillId id)
        => new($"There is no backfill {id}: `backfill list` shows the backfills of this metadata store.");
}

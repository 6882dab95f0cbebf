using Assets.Backfills;
using Assets.Execution;
using Assets.Graph;
using Assets.Hosting.CommandLine;
using Assets.Hosting.Daemon;
using Assets.Hosting.Storage;
using Assets.Partitions;
using Assets.Selection;
using Assets.Storage.Maintenance;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Assets.Hosting.Web;

/// <summary>
/// The web UI <c>serve</c> answers beside its API: the catalog at <c>/</c>, every other page and fragment under
/// <c>/ui/</c> (so no page shadows an API route), HTML rendered here (<see cref="HtmlBuilder"/>), htmx for partial
/// updates, server-sent events (<see cref="LiveChanges"/>) for live ones. Pages are GETs that change nothing; every
/// action is a POST guarded by <see cref="WebSecurity"/>.
/// </summary>
internal static class WebUi
{
    public static void Map(WebApplication app, IServiceProvider services, DaemonWork work, WebSecurity security)
    {
        var data = new WebData(services, work);
        var live = new LiveChanges(data);
        app.Lifetime.ApplicationStopped.Register(live.Dispose);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Assets.Web");

        app.MapGet("/", (string? select, string? status, HttpContext http)
            => PageAsync(http, security, "Catalog", "Catalog", ct => CatalogPage.RenderAsync(data, select, status, ct)));
        app.MapGet("/ui/asset", (string? key, HttpContext http)
            => PageAsync(http, security, key ?? "Asset", "Catalog", ct => AssetPage.RenderAsync(data, key, ct)));
        app.MapGet("/ui/asset/health", (string? key, HttpContext http) => FragmentAsync(http, async ct =>
        {
            var asset = data.Asset(key);
            return AssetPage.Bar(asset, (await data.GridAsync(ct).ConfigureAwait(false)).RowsOf(asset.Key));
        }));
        app.MapGet("/ui/partition", (string? asset, string? partition, HttpContext http)
            => FragmentAsync(http, ct => PartitionDrawer.RenderAsync(data, asset, partition, ct)));
        app.MapGet("/ui/range", (string? asset, int? first, int? last, HttpContext http)
            => FragmentAsync(http, ct => PartitionDrawer.RangeAsync(data, asset, first ?? 0, last ?? first ?? 0, ct)));
        app.MapGet("/ui/lineage", (string? select, HttpContext http)
            => PageAsync(http, security, "Lineage", "Lineage", _ => Task.FromResult(LineagePage.Render(select)), new HtmlBuilder().Add($"<script src=\"{StaticFiles.Url(Layout.DagreScript)}\"></script><script src=\"{StaticFiles.Url("lineage.js")}\" defer></script>").ToHtml()));
        app.MapGet("/ui/lineage.json", async (string? select, HttpContext http) =>
        {
            try
            {
                return Results.Content(await LineagePage.JsonAsync(data, select, http.RequestAborted).ConfigureAwait(false), "application/json");
            }
            catch (Exception e) when (Failure(e) is { } failure)
            {
                return Results.Json(new DaemonError(failure.Message), statusCode: failure.Status);
            }
        });
        app.MapGet("/ui/runs", (Delegate)((HttpContext http) => PageAsync(http, security, "Runs", "Runs", ct => RunsPage.ListAsync(data, ct))));
        app.MapGet("/ui/run", (string? id, HttpContext http) => PageAsync(http, security, "Run " + id, "Runs", ct => RunsPage.RunAsync(data, id, ct)));
        app.MapGet("/ui/backfills", (string? select, HttpContext http) => PageAsync(http, security, "Backfills", "Backfills", ct => BackfillsPage.ListAsync(data, select, ct)));
        app.MapGet("/ui/backfill", (string? id, HttpContext http) => PageAsync(http, security, "Backfill " + id, "Backfills", ct => BackfillsPage.OneAsync(data, id, ct)));
        app.MapGet("/ui/freshness", (Delegate)((HttpContext http) => PageAsync(http, security, "Freshness", "Freshness", ct => FreshnessPage.RenderAsync(data, ct))));
        app.MapGet("/ui/actions", (string? select, string? partition, HttpContext http)
            => PageAsync(http, security, "Actions", "Actions", _ => Task.FromResult(ActionsPage.Render(select, partition))));
        app.MapGet("/ui/events", (Delegate)((HttpContext http) => live.StreamAsync(http, work.Stopping)));
        app.MapGet("/ui/static/{**name}", (string name, HttpContext http) => StaticFiles.Serve(name, http));

        app.MapPost("/ui/plan", (Delegate)((HttpContext http) => FragmentAsync(http, async ct => await ActionsPage.PlanAsync(data, await MaterializeFormAsync(http).ConfigureAwait(false), ct).ConfigureAwait(false))));
        app.MapPost("/ui/materialize", (Delegate)((HttpContext http) => FragmentAsync(http, async ct => await ActionsPage.RunAsync(data, await MaterializeFormAsync(http).ConfigureAwait(false), logger, ct).ConfigureAwait(false))));
        app.MapPost("/ui/observe", (Delegate)((HttpContext http) => FragmentAsync(http, async ct => await ActionsPage.ObserveAsync(data, (await http.Request.ReadFormAsync(ct).ConfigureAwait(false))["select"].ToString(), ct).ConfigureAwait(false))));
        app.MapPost("/ui/backfills/preview", (Delegate)((HttpContext http) => FragmentAsync(http, async ct => await BackfillsPage.PreviewAsync(data, await BackfillFormAsync(http).ConfigureAwait(false), ct).ConfigureAwait(false))));
        app.MapPost("/ui/backfills/launch", (Delegate)((HttpContext http) => FragmentAsync(http, async ct =>
        {
            var id = await BackfillsPage.LaunchAsync(data, await BackfillFormAsync(http).ConfigureAwait(false), ct).ConfigureAwait(false);
            if (id is { } started)
            {
                http.Response.Headers["HX-Redirect"] = Layout.BackfillUrl(started.Value);
                return new HtmlBuilder().Add($"<p>Backfill <a href=\"{Layout.BackfillUrl(started.Value)}\">{started.Value}</a> started.</p>").ToHtml();
            }

            return new Html("<p>Nothing in range needs a backfill any more.</p>");
        })));
        app.MapPost("/ui/backfill/cancel", (string? id, HttpContext http) => FragmentAsync(http, async ct =>
        {
            var backfill = await work.CancelBackfillAsync(BackfillsPage.ParseId(id), ct).ConfigureAwait(false);
            return new HtmlBuilder().Add($"<p class=\"started\">Backfill {backfill.Id.Value} is {Rendering.BackfillJson.Name(backfill.Status)}.</p>").ToHtml();
        }));
        app.MapPost("/ui/backfill/resume", (string? id, HttpContext http) => FragmentAsync(http, async ct =>
        {
            var backfill = await work.ResumeBackfillAsync(BackfillsPage.ParseId(id), ct).ConfigureAwait(false);
            return new HtmlBuilder().Add($"<p class=\"started\">Backfill {backfill.Id.Value} runs again: every step not published yet.</p>").ToHtml();
        }));
        app.MapPost("/ui/rollback", (Delegate)((HttpContext http) => FragmentAsync(http, async ct =>
        {
            var form = await http.Request.ReadFormAsync(ct).ConfigureAwait(false);
            var notice = await RollbackAsync(data, form["asset"].ToString(), NullIfEmpty(form["partition"].ToString()), form["to"].ToString(), ct).ConfigureAwait(false);
            var drawer = await PartitionDrawer.RenderAsync(data, form["asset"].ToString(), NullIfEmpty(form["partition"].ToString()), ct).ConfigureAwait(false);
            return new HtmlBuilder().Add($"<p class=\"started\" id=\"rollback-answer\">{notice}</p>{drawer}").ToHtml();
        })));
        app.MapGet(WebSecurity.SignInPath, (Delegate)((HttpContext http) => Layout.Page("Sign in", string.Empty, SignInForm(null), security, http)));
        app.MapPost(WebSecurity.SignInPath, (Delegate)(async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
            var token = form["token"].ToString();
            if (!security.Matches(token))
            {
                http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Layout.Page("Sign in", string.Empty, SignInForm($"That is not the token of this daemon ({WebSecurity.TokenKey})."), security, http);
            }

            http.Response.Cookies.Append(WebSecurity.CookieName, token, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps, Path = "/" });
            return Results.Redirect("/");
        }));
    }

    /// <summary>What <c>serve</c> prints once it listens: where to open the UI, and what the token setting means for it.</summary>
    public static async Task AnnounceAsync(TextWriter output, IEnumerable<string> urls, WebSecurity security)
    {
        foreach (var url in urls)
        {
            await output.WriteLineAsync($"Web UI and API on {url.TrimEnd('/')}/ (Ctrl+C stops the daemon).").ConfigureAwait(false);
        }

        if (!security.TokenRequired)
        {
            return;
        }

        await output.WriteLineAsync(!security.LoopbackOnly && !security.HasToken
            ? $"Listening beyond loopback without {WebSecurity.TokenKey}: pages answer, but every change (UI or API) is refused until the token is set."
            : $"Changes (UI or API) need {WebSecurity.TokenKey}: sign in on the UI, or send it as a bearer token (the commands do).").ConfigureAwait(false);
    }

    private static Html SignInForm(string? error)
    {
        var b = new HtmlBuilder().Add($"<h1>Sign in</h1><p>This daemon needs its token ({WebSecurity.TokenKey}) for actions: materialize, backfills, rollback, observe.</p>");
        if (error is not null)
        {
            b.Add(Layout.Error(error));
        }

        return b.Add($"<form method=\"post\" action=\"{WebSecurity.SignInPath}\"><label>Token <input type=\"password\" name=\"token\" autocomplete=\"current-password\" required></label><button>Sign in</button></form>").ToHtml();
    }

    private static async Task<string> RollbackAsync(WebData data, string assetKey, string? partitionText, string to, CancellationToken cancellationToken)
    {
        var asset = data.Asset(assetKey);
        var partition = new AssetPartition(asset.Key, AssetGraph.ParsePartition(asset, partitionText));
        if (!MaterializationId.TryParse(to, out var id))
        {
            throw new CommandUsageException($"'{AssetKey.Printable(to)}' is not a materialization id: expected 32 lower-case hex digits, as the history shows them.");
        }

        var storage = data.Services.GetRequiredService<AssetsStorage>();
        var metadata = await data.MetadataAsync(cancellationToken).ConfigureAwait(false);
        var rollback = new PartitionRollback(storage.Store, metadata, data.Services.GetRequiredService<AssetsClock>());
        try
        {
            var pointer = await rollback.RollbackAsync(partition, id, RunId.New(), cancellationToken).ConfigureAwait(false);
            return $"{partition} now reads materialization {pointer.MaterializationId} (data version {WebText.Short(pointer.DataVersion)}).";
        }
        catch (Exception e) when (e is InvalidOperationException or Assets.Storage.Publishing.CorruptObjectException or Assets.Storage.Publishing.PartitionLeasedException or Assets.Storage.Publishing.PublishConflictException)
        {
            throw new CommandUsageException($"{partition} was not rolled back: {e.Message}");
        }
    }

    private static async Task<MaterializeRequest> MaterializeFormAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        return new MaterializeRequest(
            NullIfEmpty(form["select"].ToString()),
            NullIfEmpty(form["partition"].ToString()),
            NullIfEmpty(form["from"].ToString()),
            NullIfEmpty(form["to"].ToString()),
            form["force"].ToString() == "true",
            null);
    }

    private static async Task<BackfillStartRequest> BackfillFormAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        var concurrency = NullIfEmpty(form["maxConcurrency"].ToString());
        int? maxConcurrency = concurrency is null ? null
            : int.TryParse(concurrency, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n
            : throw new CommandUsageException($"Max concurrency '{concurrency}' is not a whole number.");
        return new BackfillStartRequest(
            NullIfEmpty(form["select"].ToString()),
            NullIfEmpty(form["partition"].ToString()),
            NullIfEmpty(form["from"].ToString()),
            NullIfEmpty(form["to"].ToString()),
            null,
            NullIfEmpty(form["reprocess"].ToString()),
            NullIfEmpty(form["order"].ToString()),
            maxConcurrency,
            null,
            DryRun: false);
    }

    private static string? NullIfEmpty(string text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static async Task<IResult> PageAsync(HttpContext http, WebSecurity security, string title, string section, Func<CancellationToken, Task<Html>> body, Html head = default)
    {
        try
        {
            return Layout.Page(title, section, await body(http.RequestAborted).ConfigureAwait(false), security, http, head);
        }
        catch (Exception e) when (Failure(e) is { } failure)
        {
            http.Response.StatusCode = failure.Status;
            return Layout.Page(title, section, Layout.Error(failure.Message), security, http, head);
        }
    }

    private static async Task<IResult> FragmentAsync(HttpContext http, Func<CancellationToken, Task<Html>> fragment)
    {
        try
        {
            return Layout.Fragment(await fragment(http.RequestAborted).ConfigureAwait(false));
        }
        catch (Exception e) when (Failure(e) is { } failure)
        {
            return Layout.Fragment(Layout.Error(failure.Message), failure.Status);
        }
    }

    /// <summary>The status and message a page shows for <paramref name="e"/>: 400 for what the user can fix (with the fix), null for a cancellation.</summary>
    private static (int Status, string Message)? Failure(Exception e) => e switch
    {
        AssetSelectionException or UnknownAssetException or PartitionKeyException or CommandUsageException => (StatusCodes.Status400BadRequest, e.Message),
        BackfillStateException => (StatusCodes.Status409Conflict, e.Message),
        DaemonStoppingException => (StatusCodes.Status503ServiceUnavailable, e.Message),
        OperationCanceledException => null,
        _ => (StatusCodes.Status500InternalServerError, $"Something went wrong: {e.Message} (the daemon's log has the details)."),
    };
}

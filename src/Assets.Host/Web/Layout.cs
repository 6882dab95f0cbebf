using Microsoft.AspNetCore.Http;

namespace Assets.Hosting.Web;

/// <summary>The page around every view: navigation, the vendored scripts, the drawer, and the live-update wiring.</summary>
internal static class Layout
{
    public const string HtmxScript = "vendor/htmx-2.0.11.min.js";
    public const string DagreScript = "vendor/dagre-1.1.8.min.js";

    private static readonly (string Path, string Title)[] Sections =
    [
        ("/", "Catalog"), ("/ui/lineage", "Lineage"), ("/ui/runs", "Runs"), ("/ui/backfills", "Backfills"),
        ("/ui/freshness", "Freshness"), ("/ui/actions", "Actions"),
    ];

    /// <summary>A whole page; <paramref name="section"/> is the navigation entry it belongs to.</summary>
    public static IResult Page(string title, string section, Html body, WebSecurity security, HttpContext http, Html head = default)
    {
        var b = new HtmlBuilder();
        b.Add($"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        // No inheritance: a live region's hx-swap="outerHTML" must not leak into the buttons inside it that fill the drawer.
        b.Add($"<meta name=\"htmx-config\" content='{{\"disableInheritance\":true}}'>");
        b.Add($"<title>{title} · Assets</title><link rel=\"stylesheet\" href=\"{StaticFiles.Url("app.css")}\">");
        b.Add($"<script src=\"{StaticFiles.Url(HtmxScript)}\"></script><script src=\"{StaticFiles.Url("app.js")}\" defer></script>{head}</head>");
        b.Add($"<body><header><a class=\"brand\" href=\"/\">Assets</a><nav>");
        foreach (var (path, name) in Sections)
        {
            b.Add($"<a href=\"{path}\"{(name == section ? new Html(" class=\"current\" aria-current=\"page\"") : Html.Empty)}>{name}</a>");
        }

        b.Add($"</nav><span class=\"live\" id=\"live\" title=\"Live updates from the daemon\">live</span>");
        if (security.TokenRequired && !security.IsSignedIn(http))
        {
            b.Add($"<a class=\"sign-in\" href=\"/ui/sign-in\">Sign in to act</a>");
        }

        b.Add($"</header><main>{body}</main>");
        b.Add($"<aside id=\"drawer\" class=\"drawer\" aria-live=\"polite\"></aside></body></html>");
        return Results.Content(b.ToString(), "text/html; charset=utf-8");
    }

    /// <summary>A fragment htmx swaps into a page.</summary>
    public static IResult Fragment(Html html, int status = StatusCodes.Status200OK)
        => Results.Content(html.Value, "text/html; charset=utf-8", statusCode: status);

    /// <summary>An error as a fragment (htmx swaps it in; see app.js) or a page, with its status code.</summary>
    public static Html Error(string message) => new HtmlBuilder().Add($"<p class=\"error\" role=\"alert\">{message}</p>").ToHtml();

    /// <summary>A status word in its colour.</summary>
    public static Html Badge(string status, int? count = null)
        => new HtmlBuilder().Add($"<span class=\"badge s-{status}\">{status}{(count is { } n ? new Html($" {n}") : Html.Empty)}</span>").ToHtml();

    /// <summary>The query string of <paramref name="parameters"/>, escaped, those without a value left out.</summary>
    public static string Query(params (string Name, string? Value)[] parameters)
    {
        var given = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToArray();
        return given.Length == 0 ? string.Empty : "?" + string.Join('&', given);
    }

    public static string AssetUrl(string asset) => "/ui/asset" + Query(("key", asset));

    public static string RunUrl(string run) => "/ui/run" + Query(("id", run));

    public static string BackfillUrl(string backfill) => "/ui/backfill" + Query(("id", backfill));
}

/// <summary>How times and durations read on the pages.</summary>
internal static class WebText
{
    private static readonly NodaTime.Text.InstantPattern Pattern = NodaTime.Text.InstantPattern.CreateWithInvariantCulture("uuuu-MM-dd HH:mm:ss'Z'");

    public static string Time(NodaTime.Instant? at) => at is { } value ? Pattern.Format(value) : "-";

    public static string Duration(NodaTime.Duration? duration)
    {
        if (duration is not { } d)
        {
            return "-";
        }

        return d.TotalSeconds < 60 ? $"{d.TotalSeconds:0.0} s"
            : d.TotalHours < 1 ? $"{(int)d.TotalMinutes} min {d.Seconds} s"
            : d.TotalDays < 2 ? $"{(int)d.TotalHours} h {d.Minutes} min"
            : $"{(int)d.TotalDays} d {d.Hours} h";
    }

    /// <summary>A version cut to what people compare by eye.</summary>
    public static string Short(string? version) => version is null ? "-" : version.Length > 12 ? version[..12] + "…" : version;
}

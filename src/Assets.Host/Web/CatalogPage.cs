using Assets.Freshness;
using Assets.Graph;
using Assets.Hosting.Rendering;
using Assets.Metadata;
using Assets.Planning;
using Assets.Selection;

namespace Assets.Hosting.Web;

/// <summary>
/// <c>/</c>: every asset with its group, owners, partitioning, counts by status, a health strip, freshness state and
/// last publish; filtered by selection syntax (<c>group:sales</c>, <c>+rolling_revenue</c>) and by status.
/// </summary>
internal static class CatalogPage
{
    /// <summary>The status filters offered, and what each keeps.</summary>
    public static readonly IReadOnlyList<string> StatusFilters = ["failed", "stale", "missing", "running", "waiting", "overdue"];

    private const int StripBuckets = 60;

    public static async Task<Html> RenderAsync(WebData data, string? select, string? status, CancellationToken cancellationToken)
    {
        if (status is not null && status.Length > 0 && !StatusFilters.Contains(status))
        {
            throw new CommandLine.CommandUsageException($"status '{status}' is not a filter here: use one of {string.Join(", ", StatusFilters)}.");
        }

        var graph = data.Graph;
        var assets = (string.IsNullOrWhiteSpace(select) ? AssetSelection.All : AssetSelection.Parse(select)).Resolve(graph);
        var grid = await data.GridAsync(cancellationToken).ConfigureAwait(false);
        var freshness = data.Freshness(grid);

        var b = new HtmlBuilder();
        b.Add($"<h1>Catalog</h1><form class=\"filters\" method=\"get\" action=\"/\">");
        b.Add($"<label>Selection <input name=\"select\" value=\"{select}\" placeholder=\"group:sales, +rolling_revenue, *\" size=\"34\"></label>");
        b.Add($"<label>Status <select name=\"status\"><option value=\"\">any</option>");
        foreach (var filter in StatusFilters)
        {
            b.Add($"<option{(filter == status ? new Html(" selected") : Html.Empty)}>{filter}</option>");
        }

        b.Add($"</select></label><button>Filter</button></form>");
        var url = "/" + Layout.Query(("select", select), ("status", status));
        b.Add($"<div id=\"catalog\" hx-get=\"{url}\" hx-trigger=\"assets-changed from:body\" hx-select=\"#catalog\" hx-swap=\"outerHTML\">");
        b.Add($"<table class=\"catalog\"><thead><tr><th>asset</th><th>group</th><th>owners</th><th>partitions</th><th>health</th><th>counts</th><th>freshness</th><th>last publish</th></tr></thead><tbody>");
        var shown = 0;
        foreach (var asset in assets)
        {
            var rows = grid.RowsOf(asset.Key);
            var fresh = freshness.GetValueOrDefault(asset.Key);
            if (!Keeps(status, rows, fresh))
            {
                continue;
            }

            shown++;
            var last = rows.Max(r => r.Stored?.PublishedAt);
            b.Add($"<tr data-asset=\"{asset.Key.Value}\"><td><a href=\"{Layout.AssetUrl(asset.Key.Value)}\">{asset.Key.Value}</a></td><td>{asset.Group}</td>");
            b.Add($"<td>{string.Join(", ", asset.Owners)}</td><td>{AssetDescriptions.Partitions(asset)}</td>");
            b.Add($"<td>{Strip(asset, rows)}</td><td class=\"counts\">");
            foreach (var (s, count) in StatusRanges.Counts(rows))
            {
                b.Add(Layout.Badge(StatusStyle.Name(s), count));
            }

            b.Add($"</td><td>{(fresh is null ? new Html("<span class=\"muted\">no policy</span>") : Layout.Badge(FreshnessJson.Name(fresh.State)))}</td><td>{WebText.Time(last)}</td></tr>");
        }

        b.Add($"</tbody></table><p class=\"muted\">{shown} of {graph.Assets.Count} assets.</p></div>");
        return b.ToHtml();
    }

    /// <summary>The asset's partitions as a strip of at most 60 ranges (each the worst status of its partitions).</summary>
    public static Html Strip(AssetDefinition asset, IReadOnlyList<PartitionStatusRow> rows)
    {
        var b = new HtmlBuilder().Add($"<a class=\"strip\" href=\"{Layout.AssetUrl(asset.Key.Value)}\">");
        foreach (var range in StatusRanges.Bucket(rows, StripBuckets))
        {
            b.Add($"<span class=\"s-{StatusStyle.Name(range.Status)}\" style=\"flex-grow:{range.Count}\" title=\"{range.Describe()}\"></span>");
        }

        return b.Add($"</a>").ToHtml();
    }

    private static bool Keeps(string? status, IReadOnlyList<PartitionStatusRow> rows, AssetFreshness? freshness) => status switch
    {
        null or "" => true,
        "overdue" => freshness?.State == FreshnessState.Overdue,
        "failed" => rows.Any(r => r.Status is PartitionStatus.Failed or PartitionStatus.Quarantined),
        "stale" => rows.Any(r => r.Status == PartitionStatus.Stale),
        "missing" => rows.Any(r => r.Status == PartitionStatus.Missing),
        "running" => rows.Any(r => r.Status == PartitionStatus.Running),
        "waiting" => rows.Any(r => r.Status == PartitionStatus.Waiting),
        _ => true,
    };
}

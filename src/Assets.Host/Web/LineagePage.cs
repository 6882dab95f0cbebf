using System.Text.Json;
using Assets.Metadata;
using Assets.Selection;
using Assets.Hosting.Rendering;

namespace Assets.Hosting.Web;

/// <summary>
/// <c>/ui/lineage?select=S</c>: the asset graph laid out in the browser by the vendored dagre (lineage.js), nodes coloured
/// by their worst partition status with their counts, edges marked stale where a partition downstream is stale because
/// of that upstream, each node a link to its asset. Above <see cref="MaxNodes"/> assets the page shows a subset and asks
/// for a selection, as Dagster does, so a 200-asset graph never hangs the browser.
/// </summary>
internal static class LineagePage
{
    public const int MaxNodes = 100;

    public static Html Render(string? select)
    {
        var b = new HtmlBuilder();
        b.Add($"<h1>Lineage</h1><form class=\"filters\" method=\"get\" action=\"/ui/lineage\"><label>Selection <input name=\"select\" value=\"{select}\" placeholder=\"* or +rolling_revenue or group:sales\" size=\"34\"></label><button>Show</button></form>");
        b.Add($"<p id=\"lineage-note\" class=\"muted\"></p><div id=\"lineage\" data-source=\"/ui/lineage.json{Layout.Query(("select", select))}\"><svg id=\"lineage-svg\" role=\"img\" aria-label=\"asset lineage\"></svg></div>");
        return b.ToHtml();
    }

    /// <summary>The graph as the script draws it: <c>{"nodes": [{"key", "status", "counts", "group"}], "edges": [{"from", "to", "stale"}], "total", "shown"}</c>.</summary>
    public static async Task<string> JsonAsync(WebData data, string? select, CancellationToken cancellationToken)
    {
        var graph = data.Graph;
        var selected = (string.IsNullOrWhiteSpace(select) ? AssetSelection.All : AssetSelection.Parse(select)).Resolve(graph);
        var shown = selected.Take(MaxNodes).ToList();
        var keys = shown.Select(a => a.Key).ToHashSet();
        var grid = await data.GridAsync(cancellationToken).ConfigureAwait(false);
        var nodes = new List<object>(shown.Count);
        var edges = new List<object>();
        foreach (var asset in shown)
        {
            var rows = grid.RowsOf(asset.Key);
            var counts = StatusRanges.Counts(rows).ToDictionary(c => StatusStyle.Name(c.Status), c => c.Count);
            nodes.Add(new { key = asset.Key.Value, group = asset.Group, status = StatusStyle.Name(StatusStyle.Worst(rows.Select(r => r.Status))), counts });
            foreach (var upstream in asset.Dependencies.Select(d => d.Upstream).Distinct().Where(keys.Contains))
            {
                // Staleness causes name the upstream partition first: "upstream raw_orders[2026-01-05] was republished ...".
                var prefix = $"upstream {upstream.Value}";
                var stale = rows.Any(r => r.Status == PartitionStatus.Stale && r.Cause is { } cause && cause.StartsWith(prefix, StringComparison.Ordinal)
                    && cause.Length > prefix.Length && cause[prefix.Length] is '[' or ' ');
                edges.Add(new { from = upstream.Value, to = asset.Key.Value, stale });
            }
        }

        return JsonSerializer.Serialize(new { nodes, edges, total = selected.Count, shown = shown.Count });
    }
}

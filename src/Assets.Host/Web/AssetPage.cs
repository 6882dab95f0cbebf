using System.Globalization;
using Assets.Graph;
using Assets.Hosting.Rendering;
using Assets.Planning;

namespace Assets.Hosting.Web;

/// <summary>
/// <c>/ui/asset?key=K</c>: an asset's description, owners, tags, code version and policies, and its partition health
/// bar: run-length ranges of statuses computed here (one element per change of status, so 3,650 daily or 30,000
/// hourly partitions cost the browser nothing), with one cell per partition as well up to <see cref="MaxCells"/>.
/// Clicking a range lists its partitions, clicking a cell opens the partition (<see cref="PartitionDrawer"/>).
/// </summary>
internal static class AssetPage
{
    /// <summary>Up to this many partitions the bar also has a cell per partition; beyond, ranges only.</summary>
    public const int MaxCells = 400;

    /// <summary>At most this many ranges are drawn; beyond (a status changing every few partitions), buckets of the worst status.</summary>
    public const int MaxRanges = 500;

    public static async Task<Html> RenderAsync(WebData data, string? key, CancellationToken cancellationToken)
    {
        var asset = data.Asset(key);
        var grid = await data.GridAsync(cancellationToken).ConfigureAwait(false);
        var freshness = data.Freshness(grid, asset).GetValueOrDefault(asset.Key);
        var b = new HtmlBuilder();
        b.Add($"<h1>{asset.Key.Value} <span class=\"muted small\">{asset.Group}</span></h1>");
        if (asset.Description is { } description)
        {
            b.Add($"<p class=\"description\">{description}</p>");
        }

        b.Add($"<dl class=\"facts\"><dt>owners</dt><dd>{(asset.Owners.Count == 0 ? "-" : string.Join(", ", asset.Owners))}</dd>");
        b.Add($"<dt>tags</dt><dd>{(asset.Tags.Count == 0 ? "-" : string.Join(", ", asset.Tags.Select(t => $"{t.Key}={t.Value}")))}</dd>");
        b.Add($"<dt>partitions</dt><dd>{AssetDescriptions.Partitions(asset)}</dd><dt>code version</dt><dd>{AssetDescriptions.CodeVersion(asset)}</dd>");
        b.Add($"<dt>reads</dt><dd>{Links(asset.Dependencies.Select(d => (d.Upstream.Value, AssetDescriptions.Dependency(d))))}</dd>");
        b.Add($"<dt>read by</dt><dd>{Links(data.Graph.DownstreamOf(asset.Key).Select(d => (d.Key.Value, d.Key.Value)))}</dd>");
        b.Add($"<dt>freshness</dt><dd>{AssetDescriptions.Freshness(asset.Freshness)}{(freshness is null ? Html.Empty : new HtmlBuilder().Add($" {Layout.Badge(Rendering.FreshnessJson.Name(freshness.State))} <span class=\"muted\">{freshness.Cause}</span>").ToHtml())}</dd>");
        b.Add($"<dt>automation</dt><dd>{asset.Automation?.Describe() ?? "none: runs when asked"}</dd>");
        b.Add($"<dt>retry</dt><dd>{asset.Retry.MaxAttempts} attempts</dd>");
        b.Add($"<dt>checks</dt><dd>{(asset.Checks.Count == 0 ? "-" : string.Join(", ", asset.Checks.Select(c => c.Name + (c.Blocking ? " (blocking)" : string.Empty))))}</dd></dl>");
        b.Add(Bar(asset, grid.RowsOf(asset.Key)));
        b.Add($"<p class=\"actions-inline\"><a href=\"/ui/actions{Layout.Query(("select", asset.Key.Value))}\">Materialize…</a> · <a href=\"/ui/lineage{Layout.Query(("select", "+" + asset.Key.Value + "+"))}\">Lineage</a></p>");
        return b.ToHtml();
    }

    /// <summary>The health bar, its counts and (up to <see cref="MaxCells"/> partitions) its cells: the live region of the page.</summary>
    public static Html Bar(AssetDefinition asset, IReadOnlyList<PartitionStatusRow> rows)
    {
        var key = asset.Key.Value;
        var b = new HtmlBuilder();
        b.Add($"<section id=\"health\" hx-get=\"/ui/asset/health{Layout.Query(("key", key))}\" hx-trigger=\"assets-changed from:body\" hx-swap=\"outerHTML\">");
        b.Add($"<h2>Partitions <span class=\"counts\">");
        foreach (var (status, count) in StatusRanges.Counts(rows))
        {
            b.Add(Layout.Badge(StatusStyle.Name(status), count));
        }

        b.Add($"</span></h2><div class=\"bar\" role=\"list\" aria-label=\"partition status ranges\">");
        foreach (var range in StatusRanges.Bucket(rows, MaxRanges))
        {
            var target = range.Count == 1
                ? "/ui/partition" + Layout.Query(("asset", key), ("partition", range.FirstKey))
                : "/ui/range" + Layout.Query(("asset", key), ("first", range.First.ToString(CultureInfo.InvariantCulture)), ("last", range.Last.ToString(CultureInfo.InvariantCulture)));
            b.Add($"<button class=\"range s-{StatusStyle.Name(range.Status)}\" role=\"listitem\" style=\"flex-grow:{range.Count}\" data-status=\"{StatusStyle.Name(range.Status)}\" data-count=\"{range.Count}\" title=\"{range.Describe()}\" hx-get=\"{target}\" hx-target=\"#drawer\">{(range.Count * 40 >= rows.Count ? range.Describe() : string.Empty)}</button>");
        }

        b.Add($"</div>");
        if (rows.Count <= MaxCells && rows.Count > 0 && asset.Partitions is not null)
        {
            b.Add($"<div class=\"cells\">");
            foreach (var row in rows)
            {
                var partition = row.Partition.Partition?.Value;
                var status = StatusStyle.Name(row.Status);
                b.Add($"<button class=\"cell s-{status}\" data-partition=\"{partition}\" data-status=\"{status}\" title=\"{partition} {status}\" hx-get=\"/ui/partition{Layout.Query(("asset", key), ("partition", partition))}\" hx-target=\"#drawer\">{Label(partition)}</button>");
            }

            b.Add($"</div>");
        }
        else if (asset.Partitions is null && rows.Count == 1)
        {
            b.Add($"<p><button class=\"cell s-{StatusStyle.Name(rows[0].Status)}\" data-status=\"{StatusStyle.Name(rows[0].Status)}\" hx-get=\"/ui/partition{Layout.Query(("asset", key))}\" hx-target=\"#drawer\">open</button></p>");
        }

        b.Add($"<p class=\"legend\">");
        foreach (var status in StatusStyle.Order)
        {
            b.Add(Layout.Badge(StatusStyle.Name(status)));
        }

        return b.Add($"</p></section>").ToHtml();
    }

    /// <summary>What fits in a cell: the day of a date key, else the key.</summary>
    private static string Label(string? partition)
        => partition is { Length: 10 } date && date[4] == '-' && date[7] == '-' ? date[8..] : partition ?? "·";

    private static Html Links(IEnumerable<(string Key, string Text)> assets)
    {
        var b = new HtmlBuilder();
        var any = false;
        foreach (var (key, text) in assets)
        {
            b.Add($"{(any ? new Html(", ") : Html.Empty)}<a href=\"{Layout.AssetUrl(key)}\">{text}</a>");
            any = true;
        }

        return any ? b.ToHtml() : new Html("-");
    }
}

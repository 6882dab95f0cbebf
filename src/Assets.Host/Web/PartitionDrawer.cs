using Assets.Graph;
using Assets.Metadata;
using Assets.Planning;
using Assets.Hosting.Rendering;

namespace Assets.Hosting.Web;

/// <summary>
/// The drawer of one partition (<c>/ui/partition?asset=&amp;partition=</c>): its status and cause (which upstream changed,
/// which check failed and why, the error), the published version (data and code version, time, rows), the upstream
/// versions it read beside their current ones, its materialization history with a rollback button on each earlier
/// published version, and its check results. Also the drawer of a range (<c>/ui/range</c>): its partitions to pick from.
/// </summary>
internal static class PartitionDrawer
{
    /// <summary>A range drawer lists at most this many partitions (the rest through a narrower range).</summary>
    public const int MaxListed = 200;

    public static async Task<Html> RenderAsync(WebData data, string? assetKey, string? partitionText, CancellationToken cancellationToken)
    {
        var asset = data.Asset(assetKey);
        var partition = new AssetPartition(asset.Key, AssetGraph.ParsePartition(asset, partitionText));
        var grid = await data.GridAsync(cancellationToken).ConfigureAwait(false);
        if (!grid.TryGet(partition, out var row))
        {
            throw new CommandLine.CommandUsageException($"{partition} does not exist (yet): its time window has not ended, or the key is not one of the asset's partitions.");
        }

        var metadata = await data.MetadataAsync(cancellationToken).ConfigureAwait(false);
        var history = await metadata.GetMaterializationsAsync(partition, cancellationToken).ConfigureAwait(false);
        var checks = await metadata.GetCheckResultsAsync(partition, cancellationToken).ConfigureAwait(false);
        var current = row.Stored?.MaterializationId;
        var published = history.FirstOrDefault(m => m.Id == current);
        var status = StatusStyle.Name(row.Status);

        var b = new HtmlBuilder();
        var self = "/ui/partition" + Layout.Query(("asset", asset.Key.Value), ("partition", partitionText));
        b.Add($"<div class=\"drawer-body\" id=\"partition\" data-partition=\"{partition.Partition?.Value}\" hx-get=\"{self}\" hx-trigger=\"assets-changed from:body\" hx-swap=\"outerHTML\">");
        b.Add($"<button class=\"close\" onclick=\"document.getElementById('drawer').replaceChildren()\" aria-label=\"Close\">×</button>");
        b.Add($"<h2>{partition.ToString()}</h2><p class=\"status-line\">{Layout.Badge(status)}</p>");
        if (row.Cause is { } cause)
        {
            b.Add($"<p class=\"cause\">{cause}</p>");
        }

        b.Add($"<dl class=\"facts\"><dt>data version</dt><dd><code>{row.Stored?.DataVersion ?? "-"}</code></dd>");
        b.Add($"<dt>code version</dt><dd>{row.Stored?.CodeVersion ?? "-"} <span class=\"muted\">(now {asset.CodeVersion})</span></dd>");
        b.Add($"<dt>published</dt><dd>{WebText.Time(row.Stored?.PublishedAt)}</dd><dt>rows</dt><dd>{(published is null ? "-" : published.Rows.ToString("N0", System.Globalization.CultureInfo.InvariantCulture))}</dd>");
        b.Add($"<dt>materialization</dt><dd><code>{current?.Value ?? "-"}</code></dd>");
        if (published is not null)
        {
            b.Add($"<dt>run</dt><dd><a href=\"{Layout.RunUrl(published.RunId.Value)}\">{published.RunId.Value}</a></dd>");
        }

        b.Add($"</dl>");
        if (published is { Upstream.Count: > 0 })
        {
            b.Add($"<h3>Upstream read</h3><table><thead><tr><th>partition</th><th>version read</th><th>now</th></tr></thead><tbody>");
            foreach (var upstream in published.Upstream)
            {
                var upstreamPartition = new AssetPartition(upstream.Asset, upstream.Partition);
                var now = grid.TryGet(upstreamPartition, out var upstreamRow) ? upstreamRow.Stored?.DataVersion : null;
                var changed = now != upstream.DataVersion;
                b.Add($"<tr{(changed ? new Html(" class=\"changed\"") : Html.Empty)}><td><a href=\"{Layout.AssetUrl(upstream.Asset.Value)}\">{upstreamPartition.ToString()}</a></td><td><code>{WebText.Short(upstream.DataVersion)}</code></td><td><code>{WebText.Short(now)}</code>{(changed ? new Html(" <strong>changed</strong>") : Html.Empty)}</td></tr>");
            }

            b.Add($"</tbody></table>");
        }

        b.Add($"<h3>History</h3>");
        if (history.Count == 0)
        {
            b.Add($"<p class=\"muted\">Never materialized.</p>");
        }
        else
        {
            b.Add($"<table class=\"history\"><thead><tr><th>materialization</th><th>created</th><th>published</th><th>rows</th><th>data version</th><th></th></tr></thead><tbody>");
            foreach (var m in history)
            {
                b.Add($"<tr data-materialization=\"{m.Id.Value}\"><td><code title=\"{m.Id.Value}\">{WebText.Short(m.Id.Value)}</code> <a href=\"{Layout.RunUrl(m.RunId.Value)}\">run</a></td><td>{WebText.Time(m.CreatedAt)}</td><td>{WebText.Time(m.PublishedAt)}</td><td>{m.Rows}</td><td><code>{WebText.Short(m.DataVersion)}</code></td><td>");
                if (m.Id == current)
                {
                    b.Add($"<strong>current</strong>");
                }
                else if (m.PublishedAt is not null)
                {
                    b.Add($"<form hx-post=\"/ui/rollback\" hx-target=\"#drawer\" hx-confirm=\"Point {partition.ToString()} back at {WebText.Short(m.Id.Value)}?\"><input type=\"hidden\" name=\"asset\" value=\"{asset.Key.Value}\"><input type=\"hidden\" name=\"partition\" value=\"{partitionText}\"><input type=\"hidden\" name=\"to\" value=\"{m.Id.Value}\"><button class=\"rollback\">Roll back to this</button></form>");
                }

                b.Add($"</td></tr>");
            }

            b.Add($"</tbody></table>");
        }

        b.Add($"<h3>Checks</h3>");
        if (checks.Count == 0)
        {
            b.Add($"<p class=\"muted\">{(asset.Checks.Count == 0 ? "The asset has no checks." : "No check has run on it yet.")}</p>");
        }
        else
        {
            b.Add($"<table><thead><tr><th>check</th><th>result</th><th>materialization</th><th>when</th><th>found</th></tr></thead><tbody>");
            foreach (var check in checks)
            {
                b.Add($"<tr><td>{check.CheckName}{(check.Blocking ? " (blocking)" : string.Empty)}</td><td>{Layout.Badge(check.Passed ? "passed" : "failed")}</td><td><code>{WebText.Short(check.MaterializationId.Value)}</code></td><td>{WebText.Time(check.EvaluatedAt)}</td><td>{check.Description ?? string.Empty}</td></tr>");
            }

            b.Add($"</tbody></table>");
        }

        b.Add($"<p><a href=\"/ui/actions{Layout.Query(("select", asset.Key.Value), ("partition", partitionText))}\">Materialize this partition…</a></p></div>");
        return b.ToHtml();
    }

    /// <summary>The partitions at positions <paramref name="first"/>..<paramref name="last"/> of an asset (a range of the bar), each to open.</summary>
    public static async Task<Html> RangeAsync(WebData data, string? assetKey, int first, int last, CancellationToken cancellationToken)
    {
        var asset = data.Asset(assetKey);
        var grid = await data.GridAsync(cancellationToken).ConfigureAwait(false);
        var all = grid.RowsOf(asset.Key);
        first = Math.Clamp(first, 0, Math.Max(0, all.Count - 1));
        last = Math.Clamp(last, first, Math.Max(0, all.Count - 1));
        var rows = all.Skip(first).Take(all.Count == 0 ? 0 : last - first + 1).ToList();
        var from = rows.FirstOrDefault().Partition.Partition?.Value;
        var to = rows.LastOrDefault().Partition.Partition?.Value;
        var b = new HtmlBuilder();
        b.Add($"<div class=\"drawer-body\"><button class=\"close\" onclick=\"document.getElementById('drawer').replaceChildren()\" aria-label=\"Close\">×</button>");
        b.Add($"<h2>{asset.Key.Value} {from}..{to}</h2><p class=\"counts\">");
        foreach (var (status, count) in StatusRanges.Counts(rows))
        {
            b.Add(Layout.Badge(StatusStyle.Name(status), count));
        }

        b.Add($"</p><table><thead><tr><th>partition</th><th>status</th><th>published</th><th>cause</th></tr></thead><tbody>");
        foreach (var row in rows.Take(MaxListed))
        {
            var key = row.Partition.Partition?.Value;
            b.Add($"<tr><td><a href=\"#\" hx-get=\"/ui/partition{Layout.Query(("asset", asset.Key.Value), ("partition", key))}\" hx-target=\"#drawer\">{key}</a></td><td>{Layout.Badge(StatusStyle.Name(row.Status))}</td><td>{WebText.Time(row.Stored?.PublishedAt)}</td><td>{row.Cause ?? string.Empty}</td></tr>");
        }

        b.Add($"</tbody></table>");
        if (rows.Count > MaxListed)
        {
            b.Add($"<p class=\"muted\">The first {MaxListed} of {rows.Count}; click a narrower range, or use status --from --to.</p>");
        }

        return b.Add($"</div>").ToHtml();
    }
}

using Assets.Freshness;
using Assets.Hosting.Rendering;

namespace Assets.Hosting.Web;

/// <summary><c>/ui/freshness</c>: every asset with a policy, overdue first, with its lag, policy, late partitions and cause.</summary>
internal static class FreshnessPage
{
    private const int ShownPartitions = 12;

    public static async Task<Html> RenderAsync(WebData data, CancellationToken cancellationToken)
    {
        var results = data.Freshness(await data.GridAsync(cancellationToken).ConfigureAwait(false)).Values
            .OrderBy(f => f.State switch { FreshnessState.Overdue => 0, FreshnessState.Warn => 1, FreshnessState.Unknown => 2, _ => 3 })
            .ThenBy(f => f.Asset.Value, StringComparer.Ordinal).ToList();
        var b = new HtmlBuilder();
        b.Add($"<h1>Freshness</h1><p class=\"muted\">As of {WebText.Time(data.Now)}.</p>");
        b.Add($"<div id=\"freshness\" hx-get=\"/ui/freshness\" hx-trigger=\"assets-changed from:body\" hx-select=\"#freshness\" hx-swap=\"outerHTML\">");
        if (results.Count == 0)
        {
            return b.Add($"<p class=\"muted\">No asset has a freshness policy ([Freshness(MaxLag = \"3h\")]).</p></div>").ToHtml();
        }

        b.Add($"<table><thead><tr><th>asset</th><th>state</th><th>lag</th><th>policy</th><th>overdue partitions</th><th>warning</th><th>why</th></tr></thead><tbody>");
        foreach (var f in results)
        {
            b.Add($"<tr data-asset=\"{f.Asset.Value}\"><td><a href=\"{Layout.AssetUrl(f.Asset.Value)}\">{f.Asset.Value}</a></td><td>{Layout.Badge(FreshnessJson.Name(f.State))}</td><td>{WebText.Duration(f.Lag)}</td><td>{f.Policy.Describe()}</td>");
            b.Add($"<td>{Keys(f.Overdue.Select(k => k.Value).ToList())}</td><td>{Keys(f.Warned.Select(k => k.Value).ToList())}</td><td>{f.Cause}</td></tr>");
        }

        return b.Add($"</tbody></table></div>").ToHtml();
    }

    private static string Keys(List<string> keys)
        => keys.Count == 0 ? "-" : string.Join(", ", keys.Take(ShownPartitions)) + (keys.Count > ShownPartitions ? $" … ({keys.Count})" : string.Empty);
}

using Assets.Backfills;
using Assets.Hosting.Daemon;
using Assets.Hosting.Rendering;
using Microsoft.Extensions.DependencyInjection;

namespace Assets.Hosting.Web;

/// <summary>
/// <c>/ui/backfills</c>: the backfills, newest first, and the launch form (a dry-run preview of the steps comes first;
/// launching is a button on the preview); <c>/ui/backfill?id=</c>: one backfill with every partition's state, its
/// failures with their errors, and cancel, resume and retry-failed buttons. Live while it runs.
/// </summary>
internal static class BackfillsPage
{
    /// <summary>An asset's steps are drawn as cells up to this many, as runs of equal state beyond.</summary>
    public const int MaxCells = 400;

    /// <summary>A preview lists at most this many steps.</summary>
    public const int MaxPreviewSteps = 500;

    public static async Task<Html> ListAsync(WebData data, string? select, CancellationToken cancellationToken)
    {
        var backfills = await data.Work.Backfills.ListAsync(cancellationToken).ConfigureAwait(false);
        var b = new HtmlBuilder();
        b.Add($"<h1>Backfills</h1><h2>Launch</h2><form id=\"launch\" class=\"filters\" hx-post=\"/ui/backfills/preview\" hx-target=\"#preview\">");
        b.Add($"<label>Selection <input name=\"select\" value=\"{select}\" required placeholder=\"raw_orders+ or *\" size=\"24\"></label>");
        b.Add($"<label>From <input name=\"from\" placeholder=\"2026-01-01\" size=\"12\"></label><label>To <input name=\"to\" placeholder=\"2026-01-31\" size=\"12\"></label>");
        b.Add($"<label>Reprocess <select name=\"reprocess\"><option>missing-or-stale</option><option>missing</option><option>failed-and-missing</option><option>all</option></select></label>");
        b.Add($"<label>Order <select name=\"order\"><option>newest-first</option><option>oldest-first</option></select></label>");
        b.Add($"<label>Max concurrency <input name=\"maxConcurrency\" type=\"number\" min=\"1\" size=\"4\"></label>");
        b.Add($"<button>Preview (dry run)</button></form><div id=\"preview\"></div>");
        b.Add($"<h2>Backfills</h2><div id=\"backfills\" hx-get=\"/ui/backfills\" hx-trigger=\"assets-changed from:body\" hx-select=\"#backfills\" hx-swap=\"outerHTML\">");
        if (backfills.Count == 0)
        {
            return b.Add($"<p class=\"muted\">None yet.</p></div>").ToHtml();
        }

        b.Add($"<table><thead><tr><th>id</th><th>status</th><th>selection</th><th>range</th><th>steps</th><th>done</th><th>failed</th><th>skipped</th><th>created</th></tr></thead><tbody>");
        foreach (var backfill in backfills)
        {
            b.Add($"<tr data-backfill=\"{backfill.Id.Value}\"><td><a href=\"{Layout.BackfillUrl(backfill.Id.Value)}\"><code>{backfill.Id.Value}</code></a></td><td>{Layout.Badge(BackfillJson.Name(backfill.Status))}</td><td>{backfill.Request.Selection}</td><td>{backfill.Request.Range.ToString()}</td>");
            b.Add($"<td>{backfill.Counts.Steps}</td><td>{backfill.Counts.Published}</td><td>{backfill.Counts.Failed}</td><td>{backfill.Counts.Skipped}</td><td>{WebText.Time(backfill.CreatedAt)}</td></tr>");
        }

        return b.Add($"</tbody></table></div>").ToHtml();
    }

    /// <summary>The dry run: what would run and what is blocked, with the button that launches exactly this request.</summary>
    public static async Task<Html> PreviewAsync(WebData data, BackfillStartRequest body, CancellationToken cancellationToken)
    {
        var request = body.ToRequest();
        var grid = await data.GridAsync(cancellationToken).ConfigureAwait(false);
        var plan = BackfillPlan.Create(data.Graph, grid, request);
        var runnable = plan.Steps.Where(s => s.BlockedReason is null).ToList();
        var blocked = plan.Steps.Where(s => s.BlockedReason is not null).ToList();
        var b = new HtmlBuilder();
        b.Add($"<div class=\"preview\" id=\"dry-run\" data-steps=\"{runnable.Count}\"><p><strong>Dry run:</strong> {BackfillJson.Describe(request)}: {runnable.Count} steps in {plan.Runs} runs, {blocked.Count} blocked. Nothing was recorded.</p>");
        if (runnable.Count > 0)
        {
            b.Add($"<form hx-post=\"/ui/backfills/launch\" hx-target=\"#preview\">");
            foreach (var (name, value) in Fields(body))
            {
                b.Add($"<input type=\"hidden\" name=\"{name}\" value=\"{value}\">");
            }

            b.Add($"<button class=\"primary\">Launch this backfill</button></form>");
        }

        b.Add($"<table class=\"plan\"><thead><tr><th>step</th><th>why</th></tr></thead><tbody>");
        foreach (var step in plan.Steps.Take(MaxPreviewSteps))
        {
            b.Add($"<tr{(step.BlockedReason is null ? Html.Empty : new Html(" class=\"blocked\""))}><td>{step.Partition.ToString()}</td><td>{(step.BlockedReason is { } reason ? "blocked: " + reason : step.Reason)}</td></tr>");
        }

        b.Add($"</tbody></table>");
        if (plan.Steps.Count > MaxPreviewSteps)
        {
            b.Add($"<p class=\"muted\">The first {MaxPreviewSteps} of {plan.Steps.Count} steps.</p>");
        }

        return b.Add($"</div>").ToHtml();
    }

    /// <summary>Records the backfill and starts it in the daemon; returns its id.</summary>
    public static async Task<BackfillId?> LaunchAsync(WebData data, BackfillStartRequest body, CancellationToken cancellationToken)
    {
        var request = body.ToRequest();
        var grid = await data.GridAsync(cancellationToken).ConfigureAwait(false);
        var plan = BackfillPlan.Create(data.Graph, grid, request);
        if (plan.Steps.Count == 0)
        {
            return null;
        }

        var backfill = await data.Work.StartBackfillAsync(plan, cancellationToken).ConfigureAwait(false);
        return backfill.Id;
    }

    public static async Task<Html> OneAsync(WebData data, string? id, CancellationToken cancellationToken)
    {
        var backfillId = ParseId(id);
        var backfill = await data.Work.Backfills.GetAsync(backfillId, cancellationToken).ConfigureAwait(false)
            ?? throw new CommandLine.CommandUsageException($"There is no backfill {backfillId}: the backfills page lists them.");
        var steps = await data.Work.Backfills.GetStepsAsync(backfillId, cancellationToken).ConfigureAwait(false);
        var status = BackfillJson.Name(backfill.Status);
        var b = new HtmlBuilder();
        b.Add($"<h1>Backfill <code>{backfillId.Value}</code></h1>");
        b.Add($"<div id=\"backfill\" data-status=\"{status}\" hx-get=\"{Layout.BackfillUrl(backfillId.Value)}\" hx-trigger=\"assets-changed from:body, every 2s\" hx-select=\"#backfill\" hx-swap=\"outerHTML\">");
        b.Add($"<p>{Layout.Badge(status)} {BackfillJson.Describe(backfill.Request)}. {backfill.Counts.Published} of {backfill.Counts.Steps} published, {backfill.Counts.Failed} failed, {backfill.Counts.Skipped} skipped, {backfill.Counts.Remaining} remaining. Created {WebText.Time(backfill.CreatedAt)}, updated {WebText.Time(backfill.UpdatedAt)}.</p>");
        if (backfill.Message is { } message)
        {
            b.Add($"<p class=\"cause\">{message}</p>");
        }

        b.Add($"<div class=\"buttons\">");
        var running = data.Work.IsRunning(backfillId) || backfill.Status is BackfillStatus.Running or BackfillStatus.Requested;
        if (running && backfill.Status != BackfillStatus.Completed)
        {
            b.Add($"<button class=\"danger\" hx-post=\"/ui/backfill/cancel{Layout.Query(("id", backfillId.Value))}\" hx-target=\"#backfill-answer\">Cancel</button>");
        }

        if (!data.Work.IsRunning(backfillId) && backfill.Status is not (BackfillStatus.Completed or BackfillStatus.Running))
        {
            var label = backfill.Counts.Failed > 0 ? "Retry failed" : "Resume";
            b.Add($"<button class=\"primary\" hx-post=\"/ui/backfill/resume{Layout.Query(("id", backfillId.Value))}\" hx-target=\"#backfill-answer\" title=\"Runs again every step not published: failed ones and those skipped behind them\">{label}</button>");
        }

        b.Add($"</div><div id=\"backfill-answer\"></div><h2>Partitions</h2>");
        foreach (var asset in steps.GroupBy(s => s.Partition.Asset))
        {
            var ordered = asset.OrderBy(s => s.Partition.Partition?.Value, StringComparer.Ordinal).ToList();
            b.Add($"<h3><a href=\"{Layout.AssetUrl(asset.Key.Value)}\">{asset.Key.Value}</a> <span class=\"counts\">");
            foreach (var state in ordered.GroupBy(s => s.State).OrderBy(g => g.Key))
            {
                b.Add(Layout.Badge(BackfillJson.Name(state.Key), state.Count()));
            }

            b.Add($"</span></h3><div class=\"cells\">");
            if (ordered.Count <= MaxCells)
            {
                foreach (var step in ordered)
                {
                    var state = BackfillJson.Name(step.State);
                    b.Add($"<span class=\"cell s-{state}\" data-partition=\"{step.Partition.ToString()}\" data-state=\"{state}\" title=\"{step.Partition.ToString()} {state}{(step.Attempts > 1 ? $", {step.Attempts} attempts" : string.Empty)}{(step.Error is null ? string.Empty : ": " + step.Error)}\">{step.Partition.Partition?.Value ?? "·"}</span>");
                }
            }
            else
            {
                var start = 0;
                for (var i = 1; i <= ordered.Count; i++)
                {
                    if (i == ordered.Count || ordered[i].State != ordered[start].State)
                    {
                        var state = BackfillJson.Name(ordered[start].State);
                        b.Add($"<span class=\"cell wide s-{state}\" style=\"flex-grow:{i - start}\" title=\"{ordered[start].Partition.Partition?.Value}..{ordered[i - 1].Partition.Partition?.Value} {state} ({i - start})\"></span>");
                        start = i;
                    }
                }
            }

            b.Add($"</div>");
        }

        var failures = steps.Where(s => s.Error is not null).ToList();
        if (failures.Count > 0)
        {
            b.Add($"<h2>Failures</h2><table><thead><tr><th>partition</th><th>state</th><th>attempts</th><th>error</th></tr></thead><tbody>");
            foreach (var step in failures.Take(500))
            {
                b.Add($"<tr><td>{step.Partition.ToString()}</td><td>{Layout.Badge(BackfillJson.Name(step.State))}</td><td>{step.Attempts}</td><td>{step.Error}</td></tr>");
            }

            b.Add($"</tbody></table>");
        }

        return b.Add($"</div>").ToHtml();
    }

    public static BackfillId ParseId(string? id)
        => BackfillId.TryParse(id, out var parsed)
            ? parsed
            : throw new CommandLine.CommandUsageException($"'{id}' is not a backfill id: ids are eight lower-case letters and digits, as the backfills page shows them.");

    /// <summary>The request's fields as the launch form carries them.</summary>
    private static IEnumerable<(string Name, string? Value)> Fields(BackfillStartRequest body)
    {
        yield return ("select", body.Select);
        yield return ("partition", body.Partition);
        yield return ("from", body.From);
        yield return ("to", body.To);
        yield return ("reprocess", body.Reprocess);
        yield return ("order", body.Order);
        yield return ("maxConcurrency", body.MaxConcurrency?.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

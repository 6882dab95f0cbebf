using Assets.Execution;
using Assets.Hosting.CommandLine;
using Assets.Hosting.Daemon;
using Assets.Planning;
using Microsoft.Extensions.Logging;

namespace Assets.Hosting.Web;

/// <summary>
/// <c>/ui/actions</c>: materialize a selection and a partition or range, with the plan shown first (the run button is on
/// the plan), and observe sources now. A run started here is the daemon's current work, like <c>materialize</c> through
/// the daemon, and goes on when the page is closed; its page follows it live.
/// </summary>
internal static partial class ActionsPage
{
    private const int MaxPlanLines = 500;

    public static Html Render(string? select, string? partition)
    {
        var b = new HtmlBuilder();
        b.Add($"<h1>Actions</h1><h2>Materialize</h2><form id=\"materialize\" class=\"filters\" hx-post=\"/ui/plan\" hx-target=\"#plan\">");
        b.Add($"<label>Selection <input name=\"select\" value=\"{select}\" required placeholder=\"raw_orders, +rolling_revenue, *\" size=\"24\"></label>");
        b.Add($"<label>Partition <input name=\"partition\" value=\"{partition}\" placeholder=\"2026-01-05\" size=\"12\"></label>");
        b.Add($"<label>or from <input name=\"from\" size=\"12\"></label><label>to <input name=\"to\" size=\"12\"></label>");
        b.Add($"<label><input type=\"checkbox\" name=\"force\" value=\"true\"> force</label><button>Plan</button></form><div id=\"plan\"></div>");
        b.Add($"<h2>Observe sources</h2><form id=\"observe\" class=\"filters\" hx-post=\"/ui/observe\" hx-target=\"#observations\">");
        b.Add($"<label>Selection <input name=\"select\" placeholder=\"all with an observer\" size=\"24\"></label><button>Observe now</button></form><div id=\"observations\"></div>");
        return b.ToHtml();
    }

    /// <summary>The plan of the form's request, with the button that runs it.</summary>
    public static async Task<Html> PlanAsync(WebData data, MaterializeRequest request, CancellationToken cancellationToken)
    {
        request = request.Validate();
        var plan = await PlanningCommands.PlanAsync(data.Services, request.Select!, request.Range, request.Force, cancellationToken).ConfigureAwait(false);
        var b = new HtmlBuilder();
        b.Add($"<div class=\"preview\" id=\"plan-preview\" data-steps=\"{plan.Steps.Count}\"><p><strong>Plan:</strong> {plan.Steps.Count} steps to run, {plan.Blocked.Count} blocked.</p>");
        if (plan.Steps.Count > 0)
        {
            b.Add($"<form hx-post=\"/ui/materialize\" hx-target=\"#plan\"><input type=\"hidden\" name=\"select\" value=\"{request.Select}\"><input type=\"hidden\" name=\"partition\" value=\"{request.Partition}\"><input type=\"hidden\" name=\"from\" value=\"{request.From}\"><input type=\"hidden\" name=\"to\" value=\"{request.To}\"><input type=\"hidden\" name=\"force\" value=\"{(request.Force ? "true" : string.Empty)}\"><button class=\"primary\">Run these {plan.Steps.Count} steps</button></form>");
        }
        else if (plan.Blocked.Count == 0)
        {
            b.Add($"<p>Nothing to do: every selected partition is published and up to date (force runs them anyway).</p>");
        }

        b.Add($"<table class=\"plan\"><thead><tr><th>step</th><th>why</th></tr></thead><tbody>");
        foreach (var step in plan.Steps.Take(MaxPlanLines))
        {
            b.Add($"<tr><td>{step.Partition.ToString()}</td><td>{step.Reason}</td></tr>");
        }

        foreach (var blocked in plan.Blocked.Take(MaxPlanLines))
        {
            b.Add($"<tr class=\"blocked\"><td>{blocked.Partition.ToString()}</td><td>blocked: {blocked.Reason}</td></tr>");
        }

        return b.Add($"</tbody></table></div>").ToHtml();
    }

    /// <summary>Plans the request again (things may have changed since the preview) and starts the run in the background.</summary>
    public static async Task<Html> RunAsync(WebData data, MaterializeRequest request, ILogger logger, CancellationToken cancellationToken)
    {
        request = request.Validate();
        var plan = await PlanningCommands.PlanAsync(data.Services, request.Select!, request.Range, request.Force, cancellationToken).ConfigureAwait(false);
        if (plan.Steps.Count == 0)
        {
            return new HtmlBuilder().Add($"<p>Nothing to run any more: the selection is up to date.</p>").ToHtml();
        }

        var run = RunId.New();
        // Not tied to the request: the run goes on when the page closes; the daemon stopping cancels it cleanly.
        var running = data.Work.MaterializeAsync(plan, "ui", run, data.Work.Slots.Count, null, CancellationToken.None);
        _ = running.ContinueWith(t => LogRunFailed(logger, t.Exception!.GetBaseException(), run.Value), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        if (running.IsFaulted)
        {
            await running.ConfigureAwait(false);
        }

        return new HtmlBuilder().Add($"<p class=\"started\" id=\"run-started\" data-run=\"{run.Value}\">Run <a href=\"{Layout.RunUrl(run.Value)}\"><code>{run.Value}</code></a> started: {plan.Steps.Count} steps. Its page and the asset pages follow it live.</p>").ToHtml();
    }

    /// <summary>Observes the selected sources now and records what changed, as <c>observe</c> does.</summary>
    public static async Task<Html> ObserveAsync(WebData data, string? select, CancellationToken cancellationToken)
    {
        var outcomes = await SourceObservations.ObserveAsync(data.Services, string.IsNullOrWhiteSpace(select) ? null : select, PartitionRange.All, cancellationToken).ConfigureAwait(false);
        var b = new HtmlBuilder();
        b.Add($"<p>{outcomes.Count} partitions observed, {outcomes.Count(o => o.Changed)} changed, {outcomes.Count(o => o.Error is not null)} failed.</p>");
        b.Add($"<table><thead><tr><th>partition</th><th>arrived</th><th>changed</th><th>what</th></tr></thead><tbody>");
        foreach (var o in outcomes.Where(o => o.Changed || o.Error is not null).Concat(outcomes.Where(o => !o.Changed && o.Error is null)).Take(MaxPlanLines))
        {
            b.Add($"<tr><td>{o.Partition.ToString()}</td><td>{(o.Observed is { } observed ? (observed.Arrived ? "yes" : "no") : "-")}</td><td>{(o.Changed ? "changed" : string.Empty)}</td><td>{o.Error ?? o.Observed?.Description}</td></tr>");
        }

        return b.Add($"</tbody></table>").ToHtml();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {Run} started from the web UI stopped with an error")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, string run);
}

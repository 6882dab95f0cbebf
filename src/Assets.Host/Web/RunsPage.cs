using Assets.Execution;
using Assets.Metadata;
using NodaTime;

namespace Assets.Hosting.Web;

/// <summary>
/// <c>/ui/runs</c>: recent runs from the event log (started, ended, steps by outcome), and <c>/ui/run?id=</c>: one run's
/// steps with timings, attempts and the error, and its events. Both refresh live while something runs.
/// </summary>
internal static class RunsPage
{
    /// <summary>How many of the newest events the runs list is built from.</summary>
    public const int RecentEvents = 5000;

    private static readonly RunEventKind[] RunEnds = [RunEventKind.RunCompleted, RunEventKind.RunFailed, RunEventKind.RunCancelled];

    public static async Task<Html> ListAsync(WebData data, CancellationToken cancellationToken)
    {
        var metadata = await data.MetadataAsync(cancellationToken).ConfigureAwait(false);
        var events = await metadata.GetEventsAsync(null, null, RecentEvents, cancellationToken).ConfigureAwait(false);
        var runs = events.GroupBy(e => e.RunId)
            .Where(g => g.Any(e => e.Kind == RunEventKind.RunStarted || e.Kind.ToString().StartsWith("Step", StringComparison.Ordinal)))
            .Select(g => Summarize(g.Key, g.ToList()))
            .OrderByDescending(r => r.Started)
            .ToList();
        var b = new HtmlBuilder();
        b.Add($"<h1>Runs</h1><div id=\"runs\" hx-get=\"/ui/runs\" hx-trigger=\"assets-changed from:body\" hx-select=\"#runs\" hx-swap=\"outerHTML\">");
        if (runs.Count == 0)
        {
            return b.Add($"<p class=\"muted\">No runs yet: materialize something (Actions).</p></div>").ToHtml();
        }

        b.Add($"<table><thead><tr><th>run</th><th>state</th><th>started</th><th>took</th><th>steps</th></tr></thead><tbody>");
        foreach (var run in runs)
        {
            b.Add($"<tr data-run=\"{run.Id.Value}\"><td><a href=\"{Layout.RunUrl(run.Id.Value)}\"><code>{run.Id.Value}</code></a></td><td>{Layout.Badge(run.State)}</td><td>{WebText.Time(run.Started)}</td><td>{WebText.Duration(run.Ended - run.Started)}</td><td class=\"counts\">");
            foreach (var (outcome, count) in run.Outcomes)
            {
                b.Add(Layout.Badge(outcome, count));
            }

            b.Add($"</td></tr>");
        }

        return b.Add($"</tbody></table><p class=\"muted\">From the newest {RecentEvents} events.</p></div>").ToHtml();
    }

    public static async Task<Html> RunAsync(WebData data, string? id, CancellationToken cancellationToken)
    {
        if (id is null || id.Length is 0 or > 64 || !id.All(char.IsAsciiLetterOrDigit))
        {
            throw new CommandLine.CommandUsageException($"'{id}' is not a run id: ids are letters and digits, as the runs page shows them.");
        }

        var run = RunId.Parse(id);
        var metadata = await data.MetadataAsync(cancellationToken).ConfigureAwait(false);
        var events = (await metadata.GetEventsAsync(run, null, 100_000, cancellationToken).ConfigureAwait(false)).Reverse().ToList();
        var summary = Summarize(run, events);
        var b = new HtmlBuilder();
        b.Add($"<h1>Run <code>{id}</code></h1><div id=\"run\" hx-get=\"{Layout.RunUrl(id)}\" hx-trigger=\"assets-changed from:body\" hx-select=\"#run\" hx-swap=\"outerHTML\">");
        if (events.Count == 0)
        {
            return b.Add($"<p class=\"muted\">No events of this run (yet).</p></div>").ToHtml();
        }

        b.Add($"<p>{Layout.Badge(summary.State)} started {WebText.Time(summary.Started)}{(summary.Ended is { } ended ? $", ended {WebText.Time(ended)}" : ", running")}.</p>");
        b.Add($"<h2>Steps</h2><table class=\"steps\"><thead><tr><th>partition</th><th>outcome</th><th>attempts</th><th>started</th><th>took</th><th>error</th></tr></thead><tbody>");
        foreach (var step in events.Where(e => e.Partition is not null && e.Kind.ToString().StartsWith("Step", StringComparison.Ordinal)).GroupBy(e => e.Partition!.Value))
        {
            var list = step.ToList();
            var last = list[^1];
            var started = list.FirstOrDefault(e => e.Kind == RunEventKind.StepStarted)?.At;
            var finished = last.Kind is RunEventKind.StepStarted or RunEventKind.StepRetrying ? (Instant?)null : last.At;
            var outcome = Outcome(last.Kind);
            b.Add($"<tr data-step=\"{step.Key.ToString()}\" data-outcome=\"{outcome}\"><td><a href=\"{Layout.AssetUrl(step.Key.Asset.Value)}\">{step.Key.ToString()}</a></td><td>{Layout.Badge(outcome)}</td><td>{list.Max(e => e.Attempt) ?? 1}</td><td>{WebText.Time(started)}</td><td>{WebText.Duration(finished - started)}</td><td>{(last.Kind is RunEventKind.StepPublished ? null : last.Message)}</td></tr>");
        }

        b.Add($"</tbody></table><h2>Events</h2><table class=\"events\"><thead><tr><th>at</th><th>event</th><th>partition</th><th>attempt</th><th>message</th></tr></thead><tbody>");
        foreach (var e in events)
        {
            b.Add($"<tr><td>{WebText.Time(e.At)}</td><td>{e.Kind.ToString()}</td><td>{e.Partition?.ToString()}</td><td>{e.Attempt}</td><td>{e.Message}</td></tr>");
        }

        return b.Add($"</tbody></table></div>").ToHtml();
    }

    private static RunSummaryView Summarize(RunId id, IReadOnlyList<RunEvent> events)
    {
        var started = events.Where(e => e.Kind == RunEventKind.RunStarted).Select(e => (Instant?)e.At).FirstOrDefault() ?? events.Min(e => e.At);
        var end = events.FirstOrDefault(e => RunEnds.Contains(e.Kind));
        var state = end?.Kind switch
        {
            RunEventKind.RunCompleted => "completed",
            RunEventKind.RunFailed => "failed",
            RunEventKind.RunCancelled => "cancelled",
            _ => "running",
        };
        var outcomes = events.Where(e => e.Partition is not null && e.Kind.ToString().StartsWith("Step", StringComparison.Ordinal))
            .GroupBy(e => e.Partition!.Value)
            .Select(g => Outcome(g.OrderBy(e => e.At).Last().Kind))
            .GroupBy(o => o).Select(g => (g.Key, g.Count())).OrderBy(o => o.Key, StringComparer.Ordinal).ToList();
        return new RunSummaryView(id, state, started, end?.At, outcomes);
    }

    private static string Outcome(RunEventKind kind) => kind switch
    {
        RunEventKind.StepStarted or RunEventKind.StepRetrying => "running",
        RunEventKind.StepPublished => "published",
        RunEventKind.StepFailed => "failed",
        RunEventKind.StepSkipped => "skipped",
        RunEventKind.StepQuarantined => "quarantined",
        RunEventKind.StepWaiting => "waiting",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private sealed record RunSummaryView(RunId Id, string State, Instant Started, Instant? Ended, IReadOnlyList<(string Outcome, int Count)> Outcomes);
}

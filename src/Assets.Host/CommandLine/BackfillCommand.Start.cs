using System.CommandLine;
using System.Globalization;
using Assets.Backfills;
using Assets.Graph;
using Assets.Hosting.Daemon;
using Assets.Hosting.Rendering;
using Microsoft.Extensions.DependencyInjection;

namespace Assets.Hosting.CommandLine;

internal static partial class BackfillCommand
{
    // `backfill start`: the plan or its dry run, then the run here or followed in the daemon.
    private static Command Start(CommandHost host)
    {
        var select = SelectOption.Create("The assets to backfill.");
        select.Required = true;
        var range = new PartitionRangeOptions();
        var partitions = CommandOptions.Text("--partitions", "A selective backfill: these partition keys, comma-separated (2026-01-03,2026-01-09).");
        var reprocess = CommandOptions.OneOf(
            "--reprocess",
            "Which partitions in range run: missing-or-stale (default), missing, failed-and-missing, all.",
            "missing-or-stale",
            "missing-or-stale", "missing", "failed-and-missing", "all");
        var order = CommandOptions.OneOf(
            "--order", "newest-first (default: recent data recovers first) or oldest-first.", "newest-first", "newest-first", "oldest-first");
        var concurrency = CommandOptions.WholeNumber("--max-concurrency", "At most this many partitions of the backfill run at once (default: the number of cores).", Environment.ProcessorCount);
        var perRun = CommandOptions.WholeNumber("--max-partitions-per-run", "Run up to N consecutive partitions of assets marked [RangeRuns] in one call of their body (default 1: one step per partition).", 1);
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the steps and runs without recording or running anything." };
        var json = new Option<bool>("--json") { Description = "With --dry-run, write the plan as plan --json does." };
        var command = new Command("start", "Record a backfill of the selected partitions and run it now, with live progress.")
        {
            select, partitions, reprocess, order, concurrency, perRun, dryRun, json,
        };
        range.AddTo(command);
        command.Validators.Add(result =>
        {
            if (CommandOptions.IsGiven(result, partitions)
                && (CommandOptions.IsGiven(result, range.Partition) || CommandOptions.IsGiven(result, range.From) || CommandOptions.IsGiven(result, range.To)))
            {
                result.AddError("Give either --partitions or --partition/--from/--to, not both.");
            }
        });
        command.SetAction((parseResult, cancellationToken) => host.RunAsync(
            parseResult,
            async (services, ct) =>
            {
                var named = parseResult.GetValue(partitions);
                var (partition, from, to) = range.Read(parseResult);
                var body = new BackfillStartRequest(
                    parseResult.GetValue(select),
                    partition,
                    from,
                    to,
                    named is null ? null : NamedPartitions(named),
                    parseResult.GetValue(reprocess),
                    parseResult.GetValue(order),
                    parseResult.GetValue(concurrency),
                    parseResult.GetValue(perRun),
                    parseResult.GetValue(dryRun));
                var request = body.ToRequest();
                if (CommandHost.ConnectToDaemon(services) is { } daemon)
                {
                    using (daemon)
                    {
                        var answer = await daemon.StartBackfillAsync(body, ct).ConfigureAwait(false);
                        if (body.DryRun)
                        {
                            await WriteDryRunAsync(host.Terminal, BackfillJson.ParseDryRun(answer), parseResult.GetValue(json)).ConfigureAwait(false);
                            return ExitCodes.Success;
                        }

                        var started = BackfillJson.ParseStarted(answer);
                        return await WriteStartedAsync(host.Terminal, started).ConfigureAwait(false) is { } backfill
                            ? await FollowAsync(host.Terminal, daemon, backfill, ct).ConfigureAwait(false)
                            : ExitCodes.Success;
                    }
                }

                var graph = services.GetRequiredService<AssetGraph>();
                var grid = await PlanningCommands.EvaluateAsync(services, ct).ConfigureAwait(false);
                var plan = BackfillPlan.Create(graph, grid, request);
                if (body.DryRun)
                {
                    await WriteDryRunAsync(host.Terminal, BackfillJson.ParseDryRun(BackfillJson.DryRun(plan)), parseResult.GetValue(json)).ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                if (plan.Steps.Count == 0)
                {
                    await WriteStartedAsync(host.Terminal, BackfillJson.ParseStarted(BackfillJson.Started(null, 0, request))).ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                var runner = await RunnerAsync(services, ct).ConfigureAwait(false);
                var created = await runner.CreateAsync(plan, ct).ConfigureAwait(false);
                await WriteStartedAsync(host.Terminal, BackfillJson.ParseStarted(BackfillJson.Started(created, plan.Runs, request))).ConfigureAwait(false);
                return await RunAsync(host.Terminal, services, runner, created, ct).ConfigureAwait(false);
            },
            cancellationToken));
        return command;
    }

    /// <summary>What <c>backfill start</c> says first; returns the backfill started, or null when there was nothing to backfill.</summary>
    private static async Task<BackfillView?> WriteStartedAsync(Terminal terminal, BackfillJson.StartedView started)
    {
        if (started.Backfill is not { } backfill)
        {
            await terminal.Out.WriteLineAsync("Nothing to backfill: every selected partition in range is published and up to date for this reprocess mode.").ConfigureAwait(false);
            return null;
        }

        await terminal.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Backfill {backfill.Id}: {Plural.Of(backfill.Steps, "step")} in {Plural.Of(started.Runs, "run")} ({started.Description}); resume it with `backfill resume {backfill.Id}` if it stops.")).ConfigureAwait(false);
        return backfill;
    }

    /// <summary>
    /// Follows a backfill running in the daemon by reading its record until it ends, showing its counts as they change.
    /// Ctrl+C here asks the daemon to cancel it (cleanly, as there) and shows how it ended.
    /// </summary>
    private static async Task<int> FollowAsync(Terminal terminal, DaemonClient daemon, BackfillView backfill, CancellationToken cancellationToken)
    {
        var id = BackfillId.Parse(backfill.Id);
        var current = backfill;
        var view = RunProgressView.Start(terminal, $"backfill {id}", current.Steps, current.Done, current.Failed, current.Skipped);
        await using (view.ConfigureAwait(false))
        {
            var cancelled = false;
            try
            {
                while (current.IsRunning)
                {
                    try
                    {
                        var token = cancelled ? CancellationToken.None : cancellationToken;
                        await Task.Delay(FollowInterval, token).ConfigureAwait(false);
                        current = BackfillJson.ParseStatus(await daemon.GetBackfillAsync(id, token).ConfigureAwait(false));
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !cancelled)
                    {
                        // Ctrl+C: the daemon stops it and answers once it has.
                        cancelled = true;
                        current = BackfillJson.ParseStatus(await daemon.CancelBackfillAsync(id, CancellationToken.None).ConfigureAwait(false));
                    }

                    view.Counted(current.Done, current.Failed, current.Skipped);
                }
            }
            catch (DaemonException)
            {
                await view.DisposeAsync().ConfigureAwait(false);
                await terminal.Error.WriteLineAsync($"The daemon stopped while backfill {id} ran: it was cancelled cleanly there; `backfill status {id}` shows how far it got, `backfill resume {id}` goes on.").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        }

        return await WriteEndedAsync(
            terminal, current.Id, current.Status, current.Message, Counts(current.Steps, current.Done, current.Failed, current.Skipped, current.Remaining)).ConfigureAwait(false);
    }

    /// <summary>
    /// A backfill's counts as its record has them, in the same words wherever they are shown (<c>backfill status</c>, the end
    /// of <c>start</c> and <c>resume</c>), so the summaries agree with each other.
    /// </summary>
    private static string Counts(int steps, int done, int failed, int skipped, int remaining)
        => string.Create(CultureInfo.InvariantCulture, $"{Plural.Of(steps, "step")}: {done} done, {failed} failed, {skipped} skipped or blocked, {remaining} remaining");

    private static TimeSpan FollowInterval { get; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The last lines of a backfill run, in this process or followed in the daemon; its exit code.</summary>
    private static async Task<int> WriteEndedAsync(Terminal terminal, string id, string status, string? message, string counts)
    {
        await terminal.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Backfill {id} {status}: {message}. {counts}.")).ConfigureAwait(false);
        if (status == BackfillJson.Name(BackfillStatus.Failed))
        {
            await terminal.Out.WriteLineAsync($"`backfill status {id}` lists what did not publish; `backfill resume {id}` retries it.").ConfigureAwait(false);
        }

        return status == BackfillJson.Name(BackfillStatus.Completed) ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>A dry run from its document, computed here or by the daemon: the <c>plan --json</c> part with <paramref name="json"/>, else the runs in words.</summary>
    private static async Task WriteDryRunAsync(Terminal terminal, BackfillJson.DryRunDocument plan, bool json)
    {
        if (json)
        {
            await terminal.Out.WriteLineAsync(CommandJson.Plan(plan.Steps, plan.Blocked)).ConfigureAwait(false);
            return;
        }

        foreach (var run in plan.Runs)
        {
            var what = run.Partitions.Count == 1
                ? $"{MaterializeLine.PartitionText(run.Asset, run.Partitions[0])}  ({run.Reason})"
                : $"{run.Asset}[{run.Partitions[0]}..{run.Partitions[^1]}]  (one run of {Plural.Of(run.Partitions.Count, "partition")})";
            await terminal.Out.WriteLineAsync($"run      {what}").ConfigureAwait(false);
        }

        foreach (var blocked in BlockedLines.Of(plan.BlockedSteps))
        {
            await terminal.Out.WriteLineAsync(blocked).ConfigureAwait(false);
        }

        var runnable = plan.Runs.Sum(r => r.Partitions.Count);
        await terminal.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Dry run: {Plural.Of(runnable, "step")} in {Plural.Of(plan.Runs.Count, "run")}, {plan.BlockedSteps.Count} blocked ({plan.Description}). Nothing was recorded or run.")).ConfigureAwait(false);
    }
}

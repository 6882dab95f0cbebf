using System.CommandLine;
using System.Globalization;
using Assets.Backfills;
using Assets.Execution;
using Assets.Graph;
using Assets.Hosting.Rendering;
using Assets.Hosting.Storage;
using Assets.Planning;
using Assets.Storage.Metadata;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Spectre.Console;

namespace Assets.Hosting.CommandLine;

/// <summary>
/// <c>backfill start|list|status|resume|cancel</c>: persisted partition-range backfills (see <see cref="BackfillRunner"/>).
/// <c>start</c> and <c>resume</c> run in the foreground with live progress; Ctrl+C or SIGTERM cancels cleanly, a kill
/// leaves the backfill <c>interrupted</c> for <c>resume</c>.
/// </summary>
internal static class BackfillCommand
{
    public static Command Create(CommandHost host)
    {
        var command = new Command("backfill", "Persisted, resumable partition-range backfills.");
        command.Subcommands.Add(Start(host));
        command.Subcommands.Add(List(host));
        command.Subcommands.Add(Status(host));
        command.Subcommands.Add(Resume(host));
        command.Subcommands.Add(Cancel(host));
        return command;
    }

    private static Command Start(CommandHost host)
    {
        var select = SelectOption.Create("The assets to backfill.");
        select.Required = true;
        var range = new PartitionRangeOptions();
        var partitions = new Option<string?>("--partitions") { Description = "A selective backfill: these partition keys, comma-separated (2026-01-03,2026-01-09)." };
        var reprocess = new Option<string>("--reprocess")
        {
            Description = "Which partitions in range run: missing-or-stale (default), missing, failed-and-missing, all.",
            DefaultValueFactory = _ => "missing-or-stale",
        };
        reprocess.AcceptOnlyFromAmong("missing-or-stale", "missing", "failed-and-missing", "all");
        var order = new Option<string>("--order") { Description = "newest-first (default: recent data recovers first) or oldest-first.", DefaultValueFactory = _ => "newest-first" };
        order.AcceptOnlyFromAmong("newest-first", "oldest-first");
        var concurrency = PositiveInt("--max-concurrency", "At most this many partitions of the backfill run at once (default: the number of cores).", Environment.ProcessorCount);
        var perRun = PositiveInt("--max-partitions-per-run", "Run up to N consecutive partitions of assets marked [RangeRuns] in one call of their body (default 1: one step per partition).", 1);
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the steps and runs without recording or running anything." };
        var json = new Option<bool>("--json") { Description = "With --dry-run, write the plan as plan --json does." };
        var command = new Command("start", "Record a backfill of the selected partitions and run it now, with live progress.")
        {
            select, partitions, reprocess, order, concurrency, perRun, dryRun, json,
        };
        range.AddTo(command);
        command.Validators.Add(result =>
        {
            if (result.GetValue(partitions) is not null && (result.GetValue(range.Partition) is not null || result.GetValue(range.From) is not null || result.GetValue(range.To) is not null))
            {
                result.AddError("Give either --partitions or --partition/--from/--to, not both.");
            }
        });
        command.SetAction((parseResult, cancellationToken) => host.RunAsync(
            parseResult,
            async (services, ct) =>
            {
                if (!BackfillRequest.TryParseReprocess(parseResult.GetValue(reprocess), out var mode) || !BackfillRequest.TryParseOrder(parseResult.GetValue(order), out var ordering))
                {
                    throw new CommandUsageException("--reprocess takes missing-or-stale, missing, failed-and-missing or all; --order takes newest-first or oldest-first.");
                }

                var named = parseResult.GetValue(partitions);
                var request = new BackfillRequest
                {
                    Selection = parseResult.GetValue(select)!,
                    Range = named is not null ? NamedPartitions(named) : PlanningCommands.Range(range.Read(parseResult)),
                    Reprocess = mode,
                    Order = ordering,
                    MaxConcurrency = parseResult.GetValue(concurrency),
                    MaxPartitionsPerRun = parseResult.GetValue(perRun),
                };
                var graph = services.GetRequiredService<AssetGraph>();
                var grid = await PlanningCommands.EvaluateAsync(services, ct).ConfigureAwait(false);
                var plan = BackfillPlan.Create(graph, grid, request);
                if (parseResult.GetValue(dryRun))
                {
                    await WriteDryRunAsync(host.Terminal, plan, parseResult.GetValue(json)).ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                if (plan.Steps.Count == 0)
                {
                    await host.Terminal.Out.WriteLineAsync("Nothing to backfill: every selected partition in range is published and up to date for this reprocess mode.").ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                var runner = await RunnerAsync(services, ct).ConfigureAwait(false);
                var backfill = await runner.CreateAsync(plan, ct).ConfigureAwait(false);
                await host.Terminal.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Backfill {backfill.Id}: {plan.Steps.Count} steps in {plan.Runs} runs ({Describe(request)}); resume it with `backfill resume {backfill.Id}` if it stops.")).ConfigureAwait(false);
                return await RunAsync(host.Terminal, services, runner, backfill, ct).ConfigureAwait(false);
            },
            cancellationToken));
        return command;
    }

    private static Command List(CommandHost host)
    {
        var json = new Option<bool>("--json") { Description = "Write {\"backfills\": [...]} as described in README." };
        var command = new Command("list", "The backfills of this metadata store, newest first.") { json };
        command.SetAction((parseResult, cancellationToken) => host.RunAsync(
            parseResult,
            async (services, ct) =>
            {
                var backfills = await (await RunnerAsync(services, ct).ConfigureAwait(false)).ListAsync(ct).ConfigureAwait(false);
                if (parseResult.GetValue(json))
                {
                    await host.Terminal.Out.WriteLineAsync(BackfillJson.List(backfills)).ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                if (backfills.Count == 0)
                {
                    await host.Terminal.Out.WriteLineAsync("No backfills yet: start one with `backfill start --select S --from A --to B`.").ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                var table = new Table().Border(TableBorder.Simple)
                    .AddColumn("id").AddColumn("status").AddColumn("selection").AddColumn("range").AddColumn("reprocess")
                    .AddColumn(new TableColumn("steps").RightAligned()).AddColumn(new TableColumn("done").RightAligned())
                    .AddColumn(new TableColumn("failed").RightAligned()).AddColumn("created");
                foreach (var b in backfills)
                {
                    table.AddRow(
                        b.Id.Value, BackfillJson.Name(b.Status), Markup.Escape(b.Request.Selection), Markup.Escape(b.Request.Range.ToString()),
                        BackfillRequest.Describe(b.Request.Reprocess), Count(b.Counts.Steps), Count(b.Counts.Published), Count(b.Counts.Failed),
                        NodaTime.Text.InstantPattern.General.Format(b.CreatedAt));
                }

                host.Terminal.Console.Write(table);
                return ExitCodes.Success;
            },
            cancellationToken));
        return command;
    }

    private static Command Status(CommandHost host)
    {
        var json = new Option<bool>("--json") { Description = "Write the backfill as one object of backfill list --json, with its failures." };
        return ForOneBackfill(host, "status", "One backfill: its counts, and every partition that failed, was skipped or blocked, with the error.", [json], async (parseResult, _, runner, backfill, ct) =>
            {
                var steps = await runner.GetStepsAsync(backfill.Id, ct).ConfigureAwait(false);
                if (parseResult.GetValue(json))
                {
                    await host.Terminal.Out.WriteLineAsync(BackfillJson.Status(backfill, steps)).ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                var c = backfill.Counts;
                var lines = new List<string>
                {
                    $"Backfill {backfill.Id}: {BackfillJson.Name(backfill.Status)}",
                    $"  {Describe(backfill.Request)}",
                    string.Create(CultureInfo.InvariantCulture, $"  {c.Steps} steps: {c.Published} done, {c.Failed} failed, {c.Skipped} skipped or blocked, {c.Remaining} remaining"),
                };
                if (backfill.Message is { } message)
                {
                    lines.Add("  " + message);
                }

                foreach (var step in steps.Where(s => s.State is not (BackfillStepState.Published or BackfillStepState.Pending or BackfillStepState.Running or BackfillStepState.Cancelled)))
                {
                    lines.Add($"  {BackfillJson.Name(step.State),-11} {step.Partition}{(step.Error is { } e ? "  " + e : string.Empty)}");
                }

                foreach (var line in lines)
                {
                    await host.Terminal.Out.WriteLineAsync(line).ConfigureAwait(false);
                }

                return ExitCodes.Success;
            });
    }

    private static Command Resume(CommandHost host)
    {
        return ForOneBackfill(host, "resume", "Run what a backfill has not published yet: after a crash, a cancel or failures. Published partitions are never redone.", [], async (_, services, runner, backfill, ct) =>
            {
                if (backfill.Status == BackfillStatus.Completed)
                {
                    await host.Terminal.Out.WriteLineAsync($"Backfill {backfill.Id} already completed: every one of its {backfill.Counts.Steps} partitions is published.").ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                await host.Terminal.Out.WriteLineAsync($"Resuming backfill {backfill.Id} ({BackfillJson.Name(backfill.Status)}): {backfill.Counts.Published} of {backfill.Counts.Steps} published.").ConfigureAwait(false);
                return await RunAsync(host.Terminal, services, runner, backfill, ct).ConfigureAwait(false);
            });
    }

    /// <summary>A subcommand that takes a backfill id, finds the backfill (exit 2 naming `backfill list` when unknown) and hands it to <paramref name="body"/>.</summary>
    private static Command ForOneBackfill(
        CommandHost host, string name, string description, Option[] options, Func<ParseResult, IServiceProvider, BackfillRunner, Backfill, CancellationToken, Task<int>> body)
    {
        var id = IdArgument();
        var command = new Command(name, description) { id };
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        command.SetAction((parseResult, cancellationToken) => host.RunAsync(
            parseResult,
            async (services, ct) =>
            {
                var runner = await RunnerAsync(services, ct).ConfigureAwait(false);
                var backfillId = ParseId(parseResult.GetValue(id));
                var backfill = await runner.GetAsync(backfillId, ct).ConfigureAwait(false) ?? throw NotFound(backfillId);
                return await body(parseResult, services, runner, backfill, ct).ConfigureAwait(false);
            },
            cancellationToken));
        return command;
    }

    private static Command Cancel(CommandHost host)
    {
        var id = IdArgument();
        var command = new Command("cancel", "Stop a backfill cleanly (in-flight steps are cancelled without partial publishes) and keep its record; resume can go on later.") { id };
        command.SetAction((parseResult, cancellationToken) => host.RunAsync(
            parseResult,
            async (services, ct) =>
            {
                var backfillId = ParseId(parseResult.GetValue(id));
                var storage = services.GetRequiredService<AssetsStorage>();
                BackfillRunner runner;
                try
                {
                    runner = await RunnerAsync(services, ct).ConfigureAwait(false);
                }
                catch (MetadataStoreLockedException locked)
                {
                    // The backfill's own process holds the store: ask it through a request file and wait for it to be taken.
                    return await RequestCancelAsync(host.Terminal, new BackfillCancelRequests(storage.MetadataPath), backfillId, locked, ct).ConfigureAwait(false);
                }

                var backfill = await runner.CancelAsync(backfillId, ct).ConfigureAwait(false);
                await host.Terminal.Out.WriteLineAsync($"Backfill {backfill.Id} cancelled: {backfill.Counts.Published} of {backfill.Counts.Steps} published; `backfill resume {backfill.Id}` goes on from there.").ConfigureAwait(false);
                return ExitCodes.Success;
            },
            cancellationToken));
        return command;
    }

    private static async Task<int> RequestCancelAsync(Terminal terminal, BackfillCancelRequests requests, BackfillId id, MetadataStoreLockedException locked, CancellationToken cancellationToken)
    {
        requests.Request(id);
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(BackfillCancelRequests.PollInterval, cancellationToken).ConfigureAwait(false);
            if (!requests.IsPending(id))
            {
                await terminal.Out.WriteLineAsync($"Backfill {id} is stopping: the process running it took the cancel request; in-flight steps are cancelled without partial publishes.").ConfigureAwait(false);
                return ExitCodes.Success;
            }
        }

        requests.Withdraw(id);
        await terminal.Error.WriteLineAsync($"The metadata store is held by another process ({locked.Message.Split('\n')[0].Trim()}), and it is not running backfill {id}: nothing was cancelled. Try again once it has finished.").ConfigureAwait(false);
        return ExitCodes.Failure;
    }

    private static async Task<int> RunAsync(Terminal terminal, IServiceProvider services, BackfillRunner runner, Backfill backfill, CancellationToken cancellationToken)
    {
        var storage = services.GetRequiredService<AssetsStorage>();
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var stopWatching = new CancellationTokenSource();
        var watcher = new BackfillCancelRequests(storage.MetadataPath).WatchAsync(backfill.Id, cancellation, stopWatching.Token);
        var counts = backfill.Counts;
        await using var view = RunProgressView.Start(terminal, $"backfill {backfill.Id}", counts.Steps, counts.Published);
        var progress = new SynchronousProgress<BackfillProgress>(p =>
        {
            if (p.Update is { Phase: StepPhase.Finished, Result: { } result })
            {
                view.Finished(result);
            }
        });

        (Backfill Backfill, RunSummary? Run) ended;
        try
        {
            ended = await runner.RunAsync(backfill.Id, progress, cancellation.Token).ConfigureAwait(false);
        }
        finally
        {
            await stopWatching.CancelAsync().ConfigureAwait(false);
            await watcher.ConfigureAwait(false);
        }

        await view.DisposeAsync().ConfigureAwait(false);
        var result = ended.Backfill;
        await terminal.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Backfill {result.Id} {BackfillJson.Name(result.Status)}: {result.Message}. {view.Describe()}.")).ConfigureAwait(false);
        if (result.Status is BackfillStatus.Failed)
        {
            await terminal.Out.WriteLineAsync($"`backfill status {result.Id}` lists what did not publish; `backfill resume {result.Id}` retries it.").ConfigureAwait(false);
        }

        return result.Status == BackfillStatus.Completed ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static async Task<BackfillRunner> RunnerAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var storage = services.GetRequiredService<AssetsStorage>();
        var metadata = await storage.OpenMetadataAsync(cancellationToken).ConfigureAwait(false);
        var backfills = metadata as IBackfillStore
            ?? throw new InvalidOperationException("The metadata store does not keep backfills.");
        var slots = services.GetService<StepSlots>();
        return new BackfillRunner(
            services.GetRequiredService<AssetGraph>(),
            metadata,
            backfills,
            services.GetRequiredService<IClock>(),
            request => Executors.Create(services, metadata, new ExecutionOptions { MaxParallelism = request.MaxConcurrency, Slots = slots, Priority = StepPriority.Backfill }));
    }

    private static async Task WriteDryRunAsync(Terminal terminal, BackfillPlan plan, bool json)
    {
        if (json)
        {
            await terminal.Out.WriteLineAsync(CommandJson.Plan(
                plan.Plan.Steps.Select(s => (s.Partition, s.Reason)),
                plan.Plan.Blocked.Select(b => (b.Partition, b.Reason)))).ConfigureAwait(false);
            return;
        }

        foreach (var run in plan.Steps.Where(s => s.BlockedReason is null).GroupBy(s => s.Chunk))
        {
            var steps = run.ToList();
            var what = steps.Count == 1
                ? $"{steps[0].Partition}  ({steps[0].Reason})"
                : $"{steps[0].Partition.Asset}[{steps[0].Partition.Partition}..{steps[^1].Partition.Partition}]  (one run of {steps.Count} partitions)";
            await terminal.Out.WriteLineAsync($"run      {what}").ConfigureAwait(false);
        }

        foreach (var blocked in plan.Steps.Where(s => s.BlockedReason is not null))
        {
            await terminal.Out.WriteLineAsync($"blocked  {blocked.Partition}  ({blocked.BlockedReason})").ConfigureAwait(false);
        }

        var runnable = plan.Steps.Count(s => s.BlockedReason is null);
        await terminal.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Dry run: {runnable} steps in {plan.Runs} runs, {plan.Steps.Count - runnable} blocked ({Describe(plan.Request)}). Nothing was recorded or run.")).ConfigureAwait(false);
    }

    private static string Describe(BackfillRequest request)
        => string.Create(CultureInfo.InvariantCulture, $"{request.Selection}, {request.Range}, reprocess {BackfillRequest.Describe(request.Reprocess)}, {BackfillRequest.Describe(request.Order)}, at most {request.MaxConcurrency} at once")
            + (request.MaxPartitionsPerRun > 1 ? string.Create(CultureInfo.InvariantCulture, $", up to {request.MaxPartitionsPerRun} partitions per run") : string.Empty);

    private static PartitionRange NamedPartitions(string text)
    {
        var keys = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return keys.Length > 0
            ? PartitionRange.ForPartitions(keys)
            : throw new CommandUsageException("--partitions needs at least one partition key, comma-separated (2026-01-03,2026-01-09).");
    }

    private static Argument<string> IdArgument() => new("id") { Description = "The backfill's id, as `backfill list` shows it." };

    private static BackfillId ParseId(string? text)
        => BackfillId.TryParse(text, out var id)
            ? id
            : throw new CommandUsageException($"'{text}' is not a backfill id: ids are eight lower-case letters and digits, as `backfill list` shows them.");

    private static CommandUsageException NotFound(BackfillId id)
        => new($"There is no backfill {id}: `backfill list` shows the backfills of this metadata store.");

    private static Option<int> PositiveInt(string name, string description, int defaultValue)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError($"{name} must be at least 1.");
            }
        });
        return option;
    }

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);
}

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
using Spectre.Console;

namespace Assets.Hosting.CommandLine;

/// <summary>
/// <c>backfill start|list|status|resume|cancel</c>: persisted partition-range backfills (see <see cref="BackfillRunner"/>).
/// <c>start</c> and <c>resume</c> run in the foreground with live progress; Ctrl+C or SIGTERM cancels cleanly, a kill
/// leaves the backfill <c>interrupted</c> for <c>resume</c>.
/// </summary>
internal static partial class BackfillCommand
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

    private static Command List(CommandHost host)
    {
        var json = new Option<bool>("--json") { Description = "Write {\"backfills\": [...]} as JSON: each backfill with its id, status, selection, range and counts." };
        var command = new Command("list", "The backfills of this metadata store, newest first.") { json };
        command.SetAction((parseResult, cancellationToken) => host.RunAsync(
            parseResult,
            async (services, ct) =>
            {
                string document;
                if (CommandHost.ConnectToDaemon(services) is { } daemon)
                {
                    using (daemon)
                    {
                        document = await daemon.ListBackfillsAsync(ct).ConfigureAwait(false);
                    }
                }
                else
                {
                    document = BackfillJson.List(await (await RunnerAsync(services, ct).ConfigureAwait(false)).ListAsync(ct).ConfigureAwait(false));
                }

                if (parseResult.GetValue(json))
                {
                    await host.Terminal.Out.WriteLineAsync(document).ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                var backfills = BackfillJson.ParseList(document);
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
                        b.Id, b.Status, Markup.Escape(b.Selection), Markup.Escape(RangeOf(b).ToString()),
                        b.Reprocess ?? string.Empty, Count(b.Steps), Count(b.Done), Count(b.Failed),
                        Created(b.CreatedAt));
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
        return ForOneBackfill(host, "status", "One backfill: its counts, and every partition that failed, was skipped or blocked, with the error.", [json], async (parseResult, document, _) =>
            {
                if (parseResult.GetValue(json))
                {
                    await host.Terminal.Out.WriteLineAsync(document).ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                var backfill = BackfillJson.ParseStatus(document);
                var lines = new List<string>
                {
                    $"Backfill {backfill.Id}: {backfill.Status}",
                    $"  {BackfillJson.Describe(backfill)}",
                    "  " + Counts(backfill.Steps, backfill.Done, backfill.Failed, backfill.Skipped, backfill.Remaining),
                };
                if (backfill.Message is { } message)
                {
                    lines.Add("  " + message);
                }

                foreach (var step in backfill.Failures)
                {
                    lines.Add($"  {step.State,-11} {MaterializeLine.PartitionText(step.Asset, step.Partition)}{(step.Error is { } e ? "  " + e : string.Empty)}");
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
        return ForOneBackfill(host, "resume", "Run what a backfill has not published yet: after a crash, a cancel or failures. Published partitions are never redone.", [], async (_, document, run) =>
            {
                var backfill = BackfillJson.ParseStatus(document);
                if (backfill.Status == BackfillJson.Name(BackfillStatus.Completed))
                {
                    await host.Terminal.Out.WriteLineAsync($"Backfill {backfill.Id} already completed: {(backfill.Steps == 1 ? "its one partition is" : $"every one of its {backfill.Steps} partitions is")} published.").ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                await host.Terminal.Out.WriteLineAsync($"Resuming backfill {backfill.Id} ({backfill.Status}): {backfill.Done} of {backfill.Steps} published.").ConfigureAwait(false);
                return await run().ConfigureAwait(false);
            });
    }

    /// <summary>
    /// A subcommand that takes a backfill id, reads the backfill's <c>backfill status --json</c> document (from the daemon
    /// while one runs, else from the store; exit 2 naming `backfill list` when unknown) and hands it to
    /// <paramref name="body"/> with a function that resumes the backfill (in the daemon, followed; or here, in the foreground).
    /// </summary>
    private static Command ForOneBackfill(
        CommandHost host, string name, string description, Option[] options, Func<ParseResult, string, Func<Task<int>>, Task<int>> body)
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
                var backfillId = ParseId(parseResult.GetValue(id));
                if (CommandHost.ConnectToDaemon(services) is { } daemon)
                {
                    using (daemon)
                    {
                        var document = await daemon.GetBackfillAsync(backfillId, ct).ConfigureAwait(false);
                        return await body(parseResult, document, async () =>
                        {
                            var resumed = BackfillJson.ParseStatus(await daemon.ResumeBackfillAsync(backfillId, ct).ConfigureAwait(false));
                            return await FollowAsync(host.Terminal, daemon, resumed, ct).ConfigureAwait(false);
                        }).ConfigureAwait(false);
                    }
                }

                var runner = await RunnerAsync(services, ct).ConfigureAwait(false);
                var backfill = await runner.GetAsync(backfillId, ct).ConfigureAwait(false) ?? throw NotFound(backfillId);
                var steps = await runner.GetStepsAsync(backfillId, ct).ConfigureAwait(false);
                return await body(parseResult, BackfillJson.Status(backfill, steps), () => RunAsync(host.Terminal, services, runner, backfill, ct)).ConfigureAwait(false);
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
                if (CommandHost.ConnectToDaemon(services) is { } daemon)
                {
                    using (daemon)
                    {
                        // Straight to the daemon: it stops the backfill cleanly and answers once it has.
                        var stopped = BackfillJson.ParseStatus(await daemon.CancelBackfillAsync(backfillId, ct).ConfigureAwait(false));
                        await WriteCancelledAsync(host.Terminal, stopped.Id, stopped.Status, stopped.Message, stopped.Done, stopped.Steps).ConfigureAwait(false);
                        return ExitCodes.Success;
                    }
                }

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

                _ = await runner.GetAsync(backfillId, ct).ConfigureAwait(false) ?? throw NotFound(backfillId);
                var backfill = await runner.CancelAsync(backfillId, ct).ConfigureAwait(false);
                await WriteCancelledAsync(host.Terminal, backfill.Id.Value, BackfillJson.Name(BackfillStatus.Cancelled), backfill.Message, backfill.Counts.Published, backfill.Counts.Steps).ConfigureAwait(false);
                return ExitCodes.Success;
            },
            cancellationToken));
        return command;
    }

    private static async Task WriteCancelledAsync(Terminal terminal, string id, string status, string? message, int done, int steps)
        => await terminal.Out.WriteLineAsync(status == BackfillJson.Name(BackfillStatus.Cancelled)
            ? string.Create(CultureInfo.InvariantCulture, $"Backfill {id} cancelled: {done} of {steps} published; `backfill resume {id}` goes on from there.")
            : $"Backfill {id} ended {status} before it could be cancelled: {message}.").ConfigureAwait(false);

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
        var recorded = result.Counts;
        return await WriteEndedAsync(
            terminal, result.Id.Value, BackfillJson.Name(result.Status), result.Message, Counts(recorded.Steps, recorded.Published, recorded.Failed, recorded.Skipped, recorded.Remaining)).ConfigureAwait(false);
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
            services.GetRequiredService<AssetsClock>(),
            Executors.BackfillRuns(services, metadata, slots));
    }

    private static string Created(string? createdAt)
        => createdAt is null ? string.Empty
            : NodaTime.Text.InstantPattern.ExtendedIso.Parse(createdAt) is { Success: true } at ? NodaTime.Text.InstantPattern.General.Format(at.Value)
            : createdAt;

    private static PartitionRange RangeOf(BackfillView b)
        => b.Partitions is { Count: > 0 } keys ? PartitionRange.ForPartitions(keys) : PartitionRange.Between(b.From, b.To);

    private static string[] NamedPartitions(string text)
    {
        var keys = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return keys.Length > 0
            ? keys
            : throw new CommandUsageException("--partitions needs at least one partition key, comma-separated (2026-01-03,2026-01-09).");
    }

    private static Argument<string> IdArgument() => new("id") { Description = "The backfill's id, as `backfill list` shows it." };

    private static BackfillId ParseId(string? text)
        => BackfillId.TryParse(text, out var id)
            ? id
            : throw new CommandUsageException($"'{text}' is not a backfill id: ids are eight lower-case letters and digits, as `backfill list` shows them.");

    private static CommandUsageException NotFound(BackfillId id)
        => new($"There is no backfill {id}: `backfill list` shows the backfills of this metadata store.");

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);
}

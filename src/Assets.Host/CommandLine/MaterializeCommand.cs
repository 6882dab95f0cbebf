using System.CommandLine;
using System.Globalization;
using Assets.Execution;
using Assets.Graph;
using Assets.Hosting.Rendering;
using Assets.Hosting.Storage;
using Assets.Metadata;
using Assets.Storage.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using Spectre.Console;

namespace Assets.Hosting.CommandLine;

/// <summary><c>materialize --select S [--partition P | --from A --to B] [--force] [--parallel N]</c>: plan and run now.</summary>
internal static class MaterializeCommand
{
    public static Command Create(CommandHost host)
    {
        var select = SelectOption.Create("The assets to materialize.");
        select.Required = true;
        var range = new PartitionRangeOptions();
        var force = new Option<bool>("--force") { Description = "Materialize every partition in range, not only the missing, stale and failed ones." };
        var parallel = new Option<int>("--parallel")
        {
            Description = "How many partitions run at once (default: the number of cores).",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        parallel.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--parallel must be at least 1.");
            }
        });
        var command = new Command("materialize", "Plan the selected partitions and run them now: stage, check, publish atomically.") { select, force, parallel };
        range.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => host.RunAsync(
            parseResult,
            (services, ct) => RunAsync(host.Terminal, services, parseResult.GetValue(select)!, range.Read(parseResult), parseResult.GetValue(force), parseResult.GetValue(parallel), ct),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(Terminal terminal, IServiceProvider services, string select, (string?, string?, string?) range, bool force, int parallel, CancellationToken cancellationToken)
    {
        var plan = await PlanningCommands.PlanAsync(services, select, range, force, cancellationToken).ConfigureAwait(false);
        foreach (var blocked in plan.Blocked)
        {
            await terminal.Out.WriteLineAsync($"blocked  {blocked.Partition}  ({blocked.Reason})").ConfigureAwait(false);
        }

        if (plan.IsEmpty)
        {
            await terminal.Out.WriteLineAsync(plan.Blocked.Count == 0 ? "Nothing to do: every selected partition is published and up to date." : "Nothing can run: every step is blocked.").ConfigureAwait(false);
            return plan.Blocked.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
        }

        var metadata = await services.GetRequiredService<AssetsStorage>().OpenMetadataAsync(cancellationToken).ConfigureAwait(false);
        var executor = Executors.Create(services, metadata, new ExecutionOptions { MaxParallelism = parallel });
        var run = RunId.New();
        await terminal.Out.WriteLineAsync($"Run {run}: {plan.Steps.Count} steps, up to {parallel} at once.").ConfigureAwait(false);
        var view = RunProgressView.Start(terminal, $"run {run}", plan.Steps.Count);
        RunSummary summary;
        await using (view.ConfigureAwait(false))
        {
            var progress = new SynchronousProgress<StepUpdate>(update =>
            {
                if (update is { Phase: StepPhase.Finished, Result: { } result })
                {
                    view.Finished(result);
                }
            });
            summary = await executor.RunAsync(plan.ToExecutionSteps(), run, progress, cancellationToken).ConfigureAwait(false);
        }

        WriteSummary(terminal, summary);
        return summary.Failed + summary.Quarantined > 0 || summary.Outcome == RunOutcome.Cancelled ? ExitCodes.Failure : ExitCodes.Success;
    }

    private static void WriteSummary(Terminal terminal, RunSummary summary)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumn("outcome").AddColumn(new TableColumn("steps").RightAligned()).AddColumn(new TableColumn("time").RightAligned());
        foreach (var group in summary.Steps.GroupBy(s => s.Outcome).OrderBy(g => g.Key))
        {
            table.AddRow(group.Key.ToString().ToLowerInvariant(), group.Count().ToString(CultureInfo.InvariantCulture), string.Create(CultureInfo.InvariantCulture, $"{group.Sum(s => s.Duration.TotalSeconds):0.0}s"));
        }

        terminal.Console.Write(table);
        terminal.Console.MarkupLine(Markup.Escape($"Run {summary.RunId}: {summary.Describe()}."));
    }
}

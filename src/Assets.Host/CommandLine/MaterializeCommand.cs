using System.CommandLine;
using System.Globalization;
using Assets.Execution;
using Assets.Graph;
using Assets.Hosting.Configuration;
using Assets.Hosting.Daemon;
using Assets.Hosting.Rendering;
using Assets.Hosting.Storage;
using Assets.Hosting.Workers;
using Assets.Metadata;
using Assets.Planning;
using Assets.Storage.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
        var parallel = CommandOptions.WholeNumber("--parallel", "How many partitions run at once (default: the number of cores).", Environment.ProcessorCount);
        var command = new Command("materialize", "Plan the selected partitions and run them now: stage, check, publish atomically.") { select, force, parallel };
        range.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => host.RunAsync(
            parseResult,
            (services, ct) => RunAsync(host.Terminal, services, parseResult.GetValue(select)!, range.Read(parseResult), parseResult.GetValue(force), parseResult.GetValue(parallel), ct),
            cancellationToken));
        return command;
    }

    /// <summary>
    /// With <c>Assets:Execution:Mode=Workers</c>, the plan's steps are queued for the workers and followed (<see cref="QueuedRunWaiter"/>).
    /// Otherwise through the daemon while one is advertised (it holds the store; its NDJSON stream is shown as the run goes, and
    /// Ctrl+C here closes the stream, which cancels the run there cleanly), else in this process: the same lines either
    /// way, shown by one <see cref="MaterializeView"/>.
    /// </summary>
    private static async Task<int> RunAsync(Terminal terminal, IServiceProvider services, string select, (string? Partition, string? From, string? To) range, bool force, int parallel, CancellationToken cancellationToken)
    {
        var view = new MaterializeView(terminal);
        await using (view.ConfigureAwait(false))
        {
            if (CommandHost.ConnectToDaemon(services) is { } daemon)
            {
                using (daemon)
                {
                    await daemon.MaterializeAsync(new MaterializeRequest(select, range.Partition, range.From, range.To, force, parallel), view.ShowAsync, cancellationToken).ConfigureAwait(false);
                }

                return view.ExitCode ?? throw new DaemonException("The daemon's answer ended before the run's summary: the daemon stopped. `status` shows what was published.");
            }

            var plan = await PlanningCommands.PlanAsync(services, select, range, force, cancellationToken).ConfigureAwait(false);
            var last = services.GetRequiredService<IOptions<AssetsOptions>>().Value.Execution.UsesWorkers
                ? await MaterializeRun.RunAsync(plan, parallel, (p, run, _, progress, ct) => new QueuedRunWaiter(services).RunAsync(p, run, progress, view.Note, ct), view.Show, cancellationToken, queued: true).ConfigureAwait(false)
                : await MaterializeRun.RunAsync(plan, parallel, ExecuteAsync, view.Show, cancellationToken).ConfigureAwait(false);
            await view.ShowAsync(last).ConfigureAwait(false);
            return view.ExitCode ?? ExitCodes.Failure;
        }

        async Task<RunSummary> ExecuteAsync(Plan plan, RunId run, int n, IProgress<StepUpdate> progress, CancellationToken ct)
        {
            var metadata = await services.GetRequiredService<AssetsStorage>().OpenMetadataAsync(ct).ConfigureAwait(false);
            var executor = Executors.Create(services, metadata, new ExecutionOptions { MaxParallelism = n, LeaseWait = Executors.LeaseWait(services), StillNeededAfterLeaseWait = Executors.StillNeeded(services, plan.Mode), PlannedAt = plan.AsOf }, out var decodedRows);
            var summary = await executor.RunAsync(plan.ToExecutionSteps(), run, progress, ct).ConfigureAwait(false);
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MaterializeCommand));
            MaterializeLog.RowsRead(logger, run, decodedRows.RowsDecoded, decodedRows.RowsFromWrites, decodedRows.RowsFromMemory);
            return summary;
        }
    }
}

/// <summary>What <c>materialize</c> logs beside its output.</summary>
internal static partial class MaterializeLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Run {Run} read {Decoded} rows decoded from Parquet and {FromMemory} from its decoded-row cache; {FromWrites} of the decoded rows were built from the rows the run wrote, decoding from the file only values not proven to read back as written")]
    public static partial void RowsRead(ILogger logger, RunId run, long decoded, long fromWrites, long fromMemory);
}

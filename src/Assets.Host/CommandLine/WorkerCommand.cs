using System.CommandLine;
using Assets.Hosting.Configuration;
using Assets.Hosting.Rendering;
using Assets.Hosting.Storage;
using Assets.Hosting.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Assets.Hosting.CommandLine;

/// <summary>
/// <c>worker [--slots N]</c> (the shared mode): claims ready steps from the PostgreSQL step queue and runs them until
/// Ctrl+C or SIGTERM (<see cref="StepWorker"/>). Needs a PostgreSQL <c>Assets:Metadata</c>: without one it is a usage
/// error saying what to set.
/// </summary>
internal static class WorkerCommand
{
    public static Command Create(CommandHost host)
    {
        var slots = new Option<int?>("--slots")
        {
            Description = "How many steps run at once (default: Assets:Worker:Slots, else the number of cores).",
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
                if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= 1)
                {
                    return value;
                }

                result.AddError($"--slots takes a whole number from 1 to {int.MaxValue}; '{text}' is not one.");
                return null;
            },
        };
        var command = new Command("worker", "Shared mode: claim ready steps from the PostgreSQL step queue and run them, until Ctrl+C or SIGTERM.") { slots };
        command.SetAction((parseResult, cancellationToken) => host.RunAsync(
            parseResult,
            (services, ct) => RunAsync(services, host.Terminal, parseResult.GetValue(slots), parseResult.GetValue(host.Globals.Verbose), ct),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(IServiceProvider services, Terminal terminal, int? slots, bool verbose, CancellationToken cancellationToken)
    {
        var storage = services.GetRequiredService<AssetsStorage>();
        var queue = await storage.OpenStepQueueAsync("worker", cancellationToken).ConfigureAwait(false);
        var metadata = await storage.OpenMetadataAsync(cancellationToken).ConfigureAwait(false);
        var settings = WorkerSettings.From(services.GetRequiredService<IOptions<AssetsOptions>>().Value, slots);

        // The worker's own warnings (the queue unreachable) beside its step lines, whatever the command's log level.
        using var logging = LoggerFactory.Create(builder =>
        {
            CommandLogFormatter.Use(builder, verbose);
            builder.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Warning);
        });
        var worker = new StepWorker(services, queue, metadata, settings, terminal.Out, logging.CreateLogger<StepWorker>());
        await worker.RunAsync(cancellationToken).ConfigureAwait(false);
        return ExitCodes.Success;
    }
}

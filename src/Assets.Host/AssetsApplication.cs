using System.CommandLine;
using Assets.Hosting.CommandLine;
using Microsoft.Extensions.Hosting;

namespace Assets.Hosting;

/// <summary>
/// The command line of an Assets project. A project's <c>Program.cs</c> is one call:
/// <code>
/// return await AssetsApplication.RunAsync(args, builder =>
///     builder.Services.AddAssets(assets => assets.FromAssemblyContaining(typeof(SalesAssets))));
/// </code>
/// The <c>configure</c> callback registers the project's assets and services on a standard
/// <see cref="HostApplicationBuilder"/> (configuration from <c>appsettings.json</c> next to the program,
/// environment variables and <c>--root</c>), so everything .NET hosting offers is available.
/// </summary>
public static class AssetsApplication
{
    /// <summary>Parses <paramref name="args"/>, runs the command, and returns its exit code (see <see cref="ExitCodes"/>).</summary>
    public static Task<int> RunAsync(string[] args, Action<HostApplicationBuilder> configure, CancellationToken cancellationToken = default)
        => RunAsync(args, configure, Terminal.System(), cancellationToken);

    internal static async Task<int> RunAsync(string[] args, Action<HostApplicationBuilder> configure, Terminal terminal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configure);
        var root = CreateCommands(new CommandHost(configure, terminal, new GlobalOptions()));
        ParseResult parseResult;
        try
        {
            parseResult = root.Parse(args);
        }
#pragma warning disable CA1031 // No input may end in an unhandled exception: whatever the parser could not take is a usage error.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await terminal.Error.WriteLineAsync($"The command line could not be read: {e.Message}").ConfigureAwait(false);
            await terminal.Error.WriteLineAsync("Run with --help to see the commands and options.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        if (parseResult.Errors.Count > 0)
        {
            foreach (var message in ParseErrors.Describe(parseResult))
            {
                await terminal.Error.WriteLineAsync(message).ConfigureAwait(false);
            }

            return ExitCodes.Usage;
        }

        return await parseResult.InvokeAsync(new InvocationConfiguration
        {
            Output = terminal.Out,
            Error = terminal.Error,

            // Ctrl+C and SIGTERM cancel the command's token; a run then abandons its in-flight steps (nothing partial is
            // published), releases its leases and records itself cancelled. That takes a moment: System.CommandLine's
            // default of two seconds would end the process in the middle of it.
            ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every command and option of the program (the tests sweep them with malformed values).</summary>
    internal static RootCommand CreateCommands(CommandHost host)
    {
        var globals = host.Globals;
        return new RootCommand("Assets: partitioned, software-defined assets for .NET.")
        {
            globals.Root,
            globals.Verbose,
            ListCommand.Create(host),
            LineageCommand.Create(host),
            PlanCommand.Create(host),
            MaterializeCommand.Create(host),
            BackfillCommand.Create(host),
            FreshnessCommand.Create(host),
            ObserveCommand.Create(host),
            StatusCommand.Create(host),
            VerifyCommand.Create(host),
            HistoryCommand.Create(host),
            RollbackCommand.Create(host),
            GcCommand.Create(host),
            ServeCommand.Create(host),
            WorkerCommand.Create(host),
        };
    }
}

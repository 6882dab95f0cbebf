using System.CommandLine;
using Assets.Graph;
using Assets.Hosting.Daemon;
using Assets.Hosting.Storage;
using Assets.Partitions;
using Assets.Selection;
using Assets.Storage.Metadata;
using Assets.Storage.Objects.S3;
using Assets.Storage.Publishing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Assets.Hosting.CommandLine;

/// <summary>
/// Runs one command: builds the user's host with the command line's overrides, validates options and
/// the asset graph, runs the command's body, and turns every error a user can cause into a message on
/// stderr and an exit code (stack traces only with <c>--verbose</c>).
/// </summary>
internal sealed class CommandHost(Action<HostApplicationBuilder> configure, Terminal terminal, GlobalOptions globals)
{
    public Terminal Terminal { get; } = terminal;

    public GlobalOptions Globals { get; } = globals;

    public async Task<int> RunAsync(ParseResult parseResult, Func<IServiceProvider, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        var verbose = parseResult.GetValue(Globals.Verbose);
        try
        {
            using var host = BuildHost(parseResult.GetValue(Globals.Root), verbose);
            host.Services.GetRequiredService<IStartupValidator>().Validate();
            _ = host.Services.GetRequiredService<AssetGraph>();
            AssetsTelemetryExtensions.StartTelemetry(host.Services);
            return await body(host.Services, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (UsageError(e) is { } message)
        {
            await Terminal.Error.WriteLineAsync(message).ConfigureAwait(false);
            if (verbose)
            {
                await Terminal.Error.WriteLineAsync(e.ToString()).ConfigureAwait(false);
            }

            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Terminal.Error.WriteLineAsync("Cancelled.").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is MetadataStoreLockedException or MetadataStoreUnavailableException or MetadataFileUnusableException or DaemonException or CorruptObjectException or S3StoreException or Backfills.BackfillStateException)
        {
            // Errors with a message that already says what is wrong and what to do.
            await Terminal.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return ExitCodes.Failure;
        }
#pragma warning disable CA1031 // The command line is the outermost layer: every error becomes a message and an exit code.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await Terminal.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            await Terminal.Error.WriteLineAsync(verbose ? e.ToString() : "Run again with --verbose for details.").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }

    /// <summary>
    /// Runs a command that only reads (status, plan, freshness): through the daemon's HTTP API while a live daemon is
    /// advertised next to the metadata store (DuckDB admits one process per file), else from the store in this process.
    /// </summary>
    public Task<int> RunQueriesAsync(ParseResult parseResult, Func<IAssetsQueries, IServiceProvider, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
        => RunAsync(
            parseResult,
            async (services, ct) =>
            {
                if (ConnectToDaemon(services) is { } client)
                {
                    using (client)
                    {
                        return await body(client, services, ct).ConfigureAwait(false);
                    }
                }

                return await body(new LocalAssetsQueries(services), services, ct).ConfigureAwait(false);
            },
            cancellationToken);

    /// <summary>A client of the live daemon advertised next to the metadata store, or null when none runs (open the store then).</summary>
    public static DaemonClient? ConnectToDaemon(IServiceProvider services)
    {
        var storage = services.GetRequiredService<AssetsStorage>();
        if (storage.IsShared)
        {
            // A shared store admits every process at once: reading it directly is as current as asking a daemon.
            return null;
        }

        return DaemonAdvertisement.ReadLive(DaemonAdvertisement.PathFor(storage.MetadataPath)) is { } daemon ? DaemonClient.For(daemon, services.GetRequiredService<IConfiguration>()[Web.WebSecurity.TokenKey]) : null;
    }

    private IHost BuildHost(string? root, bool verbose)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            // Not the raw args: the command line is System.CommandLine's, and options reach configuration below.
            Args = [],
            // appsettings.json is copied next to the program, wherever it is run from.
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        Rendering.CommandLogFormatter.Use(builder.Logging, verbose);
        builder.Logging.SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning);
        configure(builder);
        if (!string.IsNullOrWhiteSpace(builder.Configuration[AssetsTelemetryExtensions.OtlpEndpointKey]))
        {
            // Configuration alone exports: a project need not call AddAssetsTelemetry (a second call does nothing).
            builder.AddAssetsTelemetry();
        }

        if (root is not null)
        {
            builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>("Assets:Root", root)]);
        }

        return builder.Build();
    }

    private static string? UsageError(Exception e) => e switch
    {
        AssetDefinitionException => e.Message + Environment.NewLine + "Fix these definitions and run again.",
        OptionsValidationException options => "Invalid configuration:" + string.Concat(options.Failures.Select(f => Environment.NewLine + "  - " + f)),
        AssetSelectionException or UnknownAssetException or PartitionKeyException or CommandUsageException => e.Message,
        _ => null,
    };
}

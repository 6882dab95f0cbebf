using System.CommandLine;
using Assets.Execution;
using Assets.Graph;
using Assets.Hosting.Configuration;
using Assets.Hosting.Daemon;
using Assets.Hosting.Rendering;
using Assets.Hosting.Storage;
using Assets.Hosting.Web;
using Assets.Partitions;
using Assets.Selection;
using Assets.Storage.Maintenance;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Assets.Hosting.CommandLine;

/// <summary>
/// <c>serve [--urls U]</c>: the daemon. Opens the metadata store (and so holds DuckDB's one-process lock), advertises
/// itself in <c>daemon.json</c> next to it, answers the HTTP API and the web UI (<see cref="WebUi"/>), and evaluates freshness every tick until Ctrl+C or SIGTERM.
/// </summary>
internal static partial class ServeCommand
{
    public const string DefaultUrl = "http://127.0.0.1:5088";

    public static Command Create(CommandHost host)
    {
        var urls = CommandOptions.TextWithDefault("--urls", $"Where to listen (default {DefaultUrl}: loopback only).", DefaultUrl, CheckUrls);
        var command = new Command("serve", "Run the daemon: an HTTP API over the metadata store, freshness checks every tick; the other commands go through it while it runs.") { urls };
        command.SetAction((parseResult, cancellationToken) => host.RunAsync(
            parseResult,
            (services, ct) => ServeAsync(services, host.Terminal, parseResult.GetValue(urls)!, parseResult.GetValue(host.Globals.Verbose), ct),
            cancellationToken));
        return command;
    }

    private static string? CheckUrls(string text)
    {
        foreach (var url in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
            {
                return $"--urls '{url}' is not an http(s) URL to listen on: give one such as {DefaultUrl} (several separated by ';').";
            }
        }

        return null;
    }

    private static async Task<int> ServeAsync(IServiceProvider services, Terminal terminal, string url, bool verbose, CancellationToken cancellationToken)
    {
        var storage = services.GetRequiredService<AssetsStorage>();
        // Open first: a second daemon (or a running command) fails here with the store's lock message, before advertising.
        var metadata = await storage.OpenMetadataAsync(cancellationToken).ConfigureAwait(false);
        var configuration = services.GetRequiredService<IConfiguration>();

        // Validated at start (Assets:Daemon:TickSeconds and Slots at least 1).
        var daemon = services.GetRequiredService<IOptions<AssetsOptions>>().Value.Daemon;
        var tickSeconds = daemon.TickSeconds;

        // One set of step slots for every run the daemon starts: current work first, backfills never the last slot.
        // The daemon's own lines (runs, backfills) at information level, as the web host's below: the command's services log
        // warnings only.
        using var daemonLogging = LoggerFactory.Create(logging =>
        {
            CommandLogFormatter.Use(logging, verbose);
            logging.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information);
        });
        var work = new DaemonWork(services, metadata, new StepSlots(daemon.Slots ?? Environment.ProcessorCount), daemonLogging.CreateLogger<DaemonWork>());
        var daemonServices = new DaemonServiceProvider(services, work);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        CommandLogFormatter.Use(builder.Logging, verbose);
        // A daemon says what it does (freshness transitions, automation runs); --verbose adds the debug detail.
        builder.Logging.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        var state = new DaemonState();
        builder.Services.AddSingleton(state);
        builder.Services.AddHealthChecks()
            .AddTypeActivatedCheck<DaemonProbes.LoopCheck>("loop", failureStatus: null, tags: [DaemonProbes.Live], state)
            .AddTypeActivatedCheck<DaemonProbes.StoreCheck>("store", failureStatus: null, tags: [DaemonProbes.Ready], state)
            .AddTypeActivatedCheck<FreshnessHealthCheck>("freshness", failureStatus: null, tags: [DaemonProbes.Ready], daemonServices, state, services.GetRequiredService<AssetsClock>());
        builder.Services.AddSingleton(work);
        builder.Services.AddHostedService(sp => new DaemonService(
            daemonServices,
            state,
            Duration.FromSeconds(tickSeconds),
            [new AutomationTickHandler(sp.GetRequiredService<ILogger<AutomationTickHandler>>()), .. services.GetServices<IDaemonTickHandler>()],
            sp.GetRequiredService<ILogger<DaemonService>>(),
            // With the shared store many daemons may run: one coordinates (the leader lock), the others stand by.
            new DaemonLeadership(storage.CreateLeaderLock(), sp.GetRequiredService<ILogger<DaemonLeadership>>())));
        // Stopping waits for the loop and in-flight requests; a few seconds, well inside a scheduler's SIGTERM grace.
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));

        // The shutdown order (the finally below): stop the work first (cancel every run and backfill and wait until each
        // has ended cleanly: nothing partial published, leases released, runs recorded cancelled), then the HTTP server
        // (a /materialize stream still writes its summary line), and only then, when this returns, does the host dispose
        // the metadata store.
        await using (work.ConfigureAwait(false))
        {
            await using var app = builder.Build();
            var security = WebSecurity.For(configuration, url.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            app.Use(security.GuardAsync);
            MapEndpoints(app, daemonServices);
            DaemonApi.Map(app, daemonServices, work);
            WebUi.Map(app, daemonServices, work, security);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var path = DaemonAdvertisement.PathFor(storage.MetadataPath);
            var advertisement = DaemonAdvertisement.ForCurrentProcess(app.Urls.First());
            advertisement.Write(path);
            await WebUi.AnnounceAsync(terminal.Out, app.Urls, security).ConfigureAwait(false);
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Assets.Daemon");
            var listening = string.Join(", ", app.Urls);
            var tick = DurationText.Format(Duration.FromSeconds(tickSeconds));
            var root = storage.Root.ToString();
            LogListening(logger, listening, root, storage.MetadataPath, tick);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C or SIGTERM: a clean stop.
            }
            finally
            {
                // New commands open the store themselves once it is free; until then they would find it locked.
                advertisement.RemoveIfOurs(path);
                await work.StopAsync().ConfigureAwait(false);
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        return ExitCodes.Success;
    }

    private static void MapEndpoints(WebApplication app, IServiceProvider services)
    {
        var queries = new LocalAssetsQueries(services);
        // Degraded (late data) still answers 200: the daemon works; a probe that restarts it would not make data arrive.
        // /health/live and /health/ready are the Kubernetes probes (DaemonProbes); /health is every check at once.
        app.MapHealthChecks("/health", Probe(_ => true));
        app.MapHealthChecks("/health/live", Probe(check => check.Tags.Contains(DaemonProbes.Live)));
        app.MapHealthChecks("/health/ready", Probe(check => check.Tags.Contains(DaemonProbes.Ready)));
        app.MapGet("/status", (string? select, string? partition, string? from, string? to, CancellationToken ct)
            => AnswerAsync(() => queries.StatusAsync(select, (partition, from, to), ct)));
        app.MapGet("/plan", (string? select, string? partition, string? from, string? to, bool? force, CancellationToken ct)
            => AnswerAsync(() => queries.PlanAsync(select ?? throw new CommandUsageException("select is required."), (partition, from, to), force ?? false, ct)));
        app.MapPost("/observe", (string? select, string? partition, string? from, string? to, CancellationToken ct)
            => AnswerAsync(() => queries.ObserveAsync(select, (partition, from, to), ct)));
        app.MapGet("/history", (string? select, string? partition, CancellationToken ct)
            => AnswerAsync(() => queries.HistoryAsync(select ?? throw new CommandUsageException("select is required."), partition, ct)));
        app.MapPost("/rollback", (string? select, string? partition, string? to, CancellationToken ct)
            => AnswerAsync(() => queries.RollbackAsync(select ?? throw new CommandUsageException("select is required."), partition, to, ct)));
        app.MapPost("/gc", (bool? dryRun, string? olderThan, CancellationToken ct)
            => AnswerAsync(() => queries.GcAsync(dryRun ?? false, OlderThan(olderThan), ct)));
        app.MapGet("/freshness", (string? asOf, CancellationToken ct)
            => AnswerAsync(() => queries.FreshnessAsync(asOf is null ? services.GetRequiredService<AssetsClock>().GetCurrentInstant() : InstantText.Parse(asOf, "asOf"), ct)));
    }

    private static Duration OlderThan(string? text)
        => text is null ? GarbageCollector.DefaultRetention
            : DurationText.TryParse(text, out var duration, out var error) ? duration : throw new CommandUsageException($"olderThan: {error}");

    private static HealthCheckOptions Probe(Func<HealthCheckRegistration, bool> predicate) => new()
    {
        Predicate = predicate,
        ResultStatusCodes = { [HealthStatus.Healthy] = StatusCodes.Status200OK, [HealthStatus.Degraded] = StatusCodes.Status200OK, [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable },
        ResponseWriter = (context, report) =>
        {
            var overdue = report.Entries.Values.SelectMany(e => e.Data.TryGetValue(FreshnessHealthCheck.OverdueKey, out var value) ? (string[])value : []).ToArray();
            var checks = report.Entries.ToDictionary(e => e.Key, e => new HealthEntry(Word(e.Value.Status), e.Value.Description));
            return context.Response.WriteAsJsonAsync(new Health(Word(report.Status), overdue, checks), JsonOutput.Options);
        },
    };

    private static string Word(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };

    /// <summary>The document, or the error as <c>{"error": ...}</c> (see <see cref="DaemonApi.ErrorOf"/>).</summary>
    private static Task<IResult> AnswerAsync(Func<Task<string>> query)
        => DaemonApi.AnswerAsync(async () => Results.Content(await query().ConfigureAwait(false), "application/json"));

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on {Urls}: the daemon serves {Root} (metadata {Metadata}) and ticks every {Tick}")]
    private static partial void LogListening(ILogger logger, string urls, string root, string metadata, string tick);

    private sealed record Health(string Status, IReadOnlyList<string> Overdue, IReadOnlyDictionary<string, HealthEntry> Checks);

    private sealed record HealthEntry(string Status, string? Description);
}

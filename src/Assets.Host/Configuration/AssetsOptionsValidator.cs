using Assets.Storage.Metadata.Postgres;
using Assets.Storage.Roots;
using Microsoft.Extensions.Options;

namespace Assets.Hosting.Configuration;

/// <summary>Checks <see cref="AssetsOptions"/> at start-up; every failure names the configuration key and the fix.</summary>
internal sealed class AssetsOptionsValidator : IValidateOptions<AssetsOptions>
{
    public ValidateOptionsResult Validate(string? name, AssetsOptions options)
    {
        var failures = new List<string>();
        if (!StorageRoot.TryParse(options.Root, Environment.CurrentDirectory, out var root, out var rootError))
        {
            failures.Add($"Assets:Root: {rootError}");
        }
        else if (root is LocalStorageRoot local && FileOnPath(local.Path) is { } file)
        {
            failures.Add($"Assets:Root: '{StorageRoot.Printable(options.Root)}' is not a folder ({StorageRoot.Printable(file)} is a file): give --root or Assets:Root a folder, existing or not.");
        }

        if (PostgresConnectionString.IsPostgres(options.Metadata))
        {
            try
            {
                PostgresConnectionString.Parse(options.Metadata!);
            }
            catch (FormatException e)
            {
                failures.Add($"Assets:Metadata: {e.Message}");
            }
        }
        else if (options.Metadata is { } metadata && (string.IsNullOrWhiteSpace(metadata) || metadata.Any(char.IsControl) || metadata.Contains("://", StringComparison.Ordinal)))
        {
            failures.Add(
                $"Assets:Metadata: '{StorageRoot.Printable(metadata)}' is neither a local file path nor a PostgreSQL connection string "
                + "(postgresql://user@host:5432/database, or Host=...;Database=...); leave it out for the DuckDB file next to the root.");
        }

        if (!DurationText.TryParse(options.MetadataReconnectFor, out _, out _))
        {
            failures.Add(
                $"Assets:MetadataReconnectFor: '{StorageRoot.Printable(options.MetadataReconnectFor ?? string.Empty)}' is not a duration such as "
                + $"{AssetsOptions.DefaultMetadataReconnectFor} or 30s (how long the shared store's operations retry while its database is unreachable; 0s fails at once).");
        }

        if (options.S3.Endpoint is { } endpoint
            && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            failures.Add($"Assets:S3:Endpoint: '{StorageRoot.Printable(endpoint)}' is not an http(s) URL such as http://127.0.0.1:9000.");
        }

        if (options.S3.Region is { } region && (region.Length == 0 || !region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
        {
            failures.Add($"Assets:S3:Region: '{StorageRoot.Printable(region)}' is not a region name such as eu-central-1.");
        }

        if (options.Daemon.TickSeconds < 1)
        {
            failures.Add($"Assets:Daemon:TickSeconds: {options.Daemon.TickSeconds} is not a number of seconds between ticks: give 1 or more (default 30).");
        }

        if (options.Daemon.Slots is { } slots && slots < 1)
        {
            failures.Add($"Assets:Daemon:Slots: {slots} is not a number of steps to run at once: give 1 or more, or leave it out for the number of cores.");
        }

        if (!DurationText.TryParse(options.Leases.Duration, out var lease, out var leaseError) || lease <= NodaTime.Duration.Zero)
        {
            failures.Add($"Assets:Leases:Duration: '{StorageRoot.Printable(options.Leases.Duration ?? string.Empty)}' is not a positive duration such as 10m ({leaseError ?? "it must be positive"}).");
        }
        else if (options.Leases.Heartbeat is { } heartbeatText
            && (!DurationText.TryParse(heartbeatText, out var heartbeat, out _) || heartbeat <= NodaTime.Duration.Zero || heartbeat >= lease))
        {
            failures.Add($"Assets:Leases:Heartbeat: '{StorageRoot.Printable(heartbeatText)}' is not a positive duration shorter than the lease ({options.Leases.Duration}), such as 1m.");
        }

        ValidateWorkers(options, failures);
        if (options.DecodedRowCacheRows < 0)
        {
            failures.Add($"Assets:DecodedRowCacheRows: {options.DecodedRowCacheRows} is negative; give a number of rows, or 0 to turn the cache off.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary><c>Assets:Execution:Mode</c> and <c>Assets:Worker</c>: the mode's name, and durations in their ranges.</summary>
    private static void ValidateWorkers(AssetsOptions options, List<string> failures)
    {
        var mode = options.Execution.Mode;
        if (!string.Equals(mode, ExecutionSettings.InProcess, StringComparison.OrdinalIgnoreCase) && !options.Execution.UsesWorkers)
        {
            failures.Add($"Assets:Execution:Mode: '{StorageRoot.Printable(mode ?? string.Empty)}' is not a mode: give {ExecutionSettings.InProcess} (the default: steps run in the command's process) or {ExecutionSettings.Workers} (worker processes run them; needs a PostgreSQL Assets:Metadata).");
        }
        else if (options.Execution.UsesWorkers && !PostgresConnectionString.IsPostgres(options.Metadata))
        {
            failures.Add($"Assets:Execution:Mode: {ExecutionSettings.Workers} needs the shared mode: set Assets:Metadata to a PostgreSQL connection string (postgresql://user@host:5432/database), or leave the mode at {ExecutionSettings.InProcess}.");
        }

        var worker = options.Worker;
        if (worker.Slots is < 1)
        {
            failures.Add($"Assets:Worker:Slots: {worker.Slots} is not a number of steps to run at once: give 1 or more, or leave it out for the number of cores.");
        }

        if (!DurationText.TryParse(worker.ClaimTtl, out var ttl, out _) || ttl < NodaTime.Duration.FromSeconds(1))
        {
            failures.Add($"Assets:Worker:ClaimTtl: '{StorageRoot.Printable(worker.ClaimTtl ?? string.Empty)}' is not a duration of at least 1s such as {WorkerOptions.DefaultClaimTtl}.");
        }
        else if (worker.Heartbeat is { } heartbeatText
            && (!DurationText.TryParse(heartbeatText, out var heartbeat, out _) || heartbeat <= NodaTime.Duration.Zero || heartbeat >= ttl))
        {
            failures.Add($"Assets:Worker:Heartbeat: '{StorageRoot.Printable(heartbeatText)}' is not a positive duration shorter than the claim TTL ({worker.ClaimTtl}), such as 20s.");
        }

        if (!DurationText.TryParse(worker.PollInterval, out var poll, out _) || poll <= NodaTime.Duration.Zero)
        {
            failures.Add($"Assets:Worker:PollInterval: '{StorageRoot.Printable(worker.PollInterval ?? string.Empty)}' is not a positive duration such as {WorkerOptions.DefaultPollInterval}.");
        }

        if (!DurationText.TryParse(worker.ShutdownGrace, out var grace, out _) || grace < NodaTime.Duration.Zero || grace > NodaTime.Duration.FromSeconds(25))
        {
            failures.Add($"Assets:Worker:ShutdownGrace: '{StorageRoot.Printable(worker.ShutdownGrace ?? string.Empty)}' is not a duration from 0s to 25s (the process is ended 30 seconds after Ctrl+C or SIGTERM), such as {WorkerOptions.DefaultShutdownGrace}.");
        }

        if (!DurationText.TryParse(worker.QueueRetention, out var retention, out _) || retention < NodaTime.Duration.FromHours(1))
        {
            failures.Add($"Assets:Worker:QueueRetention: '{StorageRoot.Printable(worker.QueueRetention ?? string.Empty)}' is not a duration of at least 1h such as {WorkerOptions.DefaultQueueRetention} (how long finished runs stay in the step queue).");
        }
    }

    /// <summary>The first file on <paramref name="path"/> or above it: a folder cannot be created below it.</summary>
    private static string? FileOnPath(string path)
    {
        for (var current = path; !string.IsNullOrEmpty(current); current = Path.GetDirectoryName(current))
        {
            if (File.Exists(current))
            {
                return current;
            }
        }

        return null;
    }
}

using System.CommandLine;
using Assets.Hosting.Storage;
using Assets.Storage.Maintenance;
using Assets.Storage.Objects.Local;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Assets.Hosting.CommandLine;

/// <summary><c>gc [--dry-run] [--older-than D]</c>: remove data and manifests that no pointer references, after the retention period.</summary>
internal static class GcCommand
{
    public static Command Create(CommandHost host)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Only report what would be removed." };
        var olderThan = CommandOptions.TextWithDefault(
            "--older-than",
            "The retention period: unreferenced objects younger than this are kept (default 7d).",
            DurationText.Format(GarbageCollector.DefaultRetention),
            text => DurationText.TryParse(text, out _, out var error) ? null : $"--older-than: {error}");
        var command = new Command("gc", "Remove data files and manifests that no pointer references and that are older than the retention period.") { dryRun, olderThan };
        command.SetAction((parseResult, cancellationToken) => host.RunAsync(
            parseResult,
            (services, ct) => RunAsync(host.Terminal, services, parseResult.GetValue(dryRun), DurationText.Parse(parseResult.GetValue(olderThan)), ct),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(Terminal terminal, IServiceProvider services, bool dryRun, Duration olderThan, CancellationToken cancellationToken)
    {
        var storage = services.GetRequiredService<AssetsStorage>();
        var clock = services.GetRequiredService<AssetsClock>();
        var report = await new GarbageCollector(storage.Store, clock).CollectAsync(olderThan, dryRun, cancellationToken).ConfigureAwait(false);
        foreach (var key in report.Removed)
        {
            await terminal.Out.WriteLineAsync((dryRun ? "would remove " : "removed ") + key).ConfigureAwait(false);
        }

        var temp = string.Empty;
        if (!dryRun && storage.Store is LocalObjectStore local)
        {
            var abandoned = await local.DeleteAbandonedTempFilesAsync(olderThan.ToTimeSpan(), cancellationToken).ConfigureAwait(false);
            if (abandoned.Count > 0)
            {
                temp = $" Also removed {abandoned.Count} temporary files ({Sizes.Format(abandoned.Bytes)}) left by interrupted writes.";
            }
        }

        await terminal.Out.WriteLineAsync(
            $"{(dryRun ? "Would remove" : "Removed")} {report.Objects} unreferenced objects ({Sizes.Format(report.Bytes)}) from {storage.Store.Location}; "
            + $"kept {report.Kept} younger than {DurationText.Format(olderThan)}"
            + (report.InFlight > 0 ? $" and those of {report.InFlight} materializations in flight" : string.Empty) + $".{temp}").ConfigureAwait(false);
        return ExitCodes.Success;
    }
}

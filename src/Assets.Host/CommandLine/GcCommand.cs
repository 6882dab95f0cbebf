using System.CommandLine;
using Assets.Hosting.Rendering;
using Assets.Storage.Maintenance;

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
        command.SetAction((parseResult, cancellationToken) => host.RunQueriesAsync(
            parseResult,
            async (queries, _, ct) =>
            {
                // Through the daemon while one runs: it knows which materializations are in flight.
                var document = await queries.GcAsync(parseResult.GetValue(dryRun), DurationText.Parse(parseResult.GetValue(olderThan)), ct).ConfigureAwait(false);
                await WriteAsync(host.Terminal, MaintenanceJson.ReadGc(document)).ConfigureAwait(false);
                return ExitCodes.Success;
            },
            cancellationToken));
        return command;
    }

    private static async Task WriteAsync(Terminal terminal, MaintenanceJson.GcDocument report)
    {
        foreach (var key in report.Removed)
        {
            await terminal.Out.WriteLineAsync((report.DryRun ? "would remove " : "removed ") + key).ConfigureAwait(false);
        }

        var temp = report.TempFiles > 0
            ? $" Also removed {Plural.Of(report.TempFiles, "temporary file")} ({Sizes.Format(report.TempBytes)}) left by interrupted writes."
            : string.Empty;
        await terminal.Out.WriteLineAsync(
            $"{(report.DryRun ? "Would remove" : "Removed")} {Plural.Of(report.Objects, "unreferenced object")} ({Sizes.Format(report.Bytes)}) from {report.Location}; "
            + $"kept {report.Kept} younger than {report.OlderThan}"
            + (report.InFlight > 0 ? $" and those of {Plural.Of(report.InFlight, "materialization")} in flight" : string.Empty) + $".{temp}").ConfigureAwait(false);
    }
}

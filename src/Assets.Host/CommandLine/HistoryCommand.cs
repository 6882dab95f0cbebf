using System.CommandLine;
using System.Globalization;
using Assets.Hosting.Rendering;
using NodaTime.Text;

namespace Assets.Hosting.CommandLine;

/// <summary>
/// <c>history --select S [--partition P] [--json]</c>: a partition's materializations, newest first, with which one the
/// pointer names now: the ids <c>rollback --to</c> takes.
/// </summary>
internal static class HistoryCommand
{
    public static Command Create(CommandHost host)
    {
        var select = SelectOption.Create("The asset (exactly one).");
        select.Required = true;
        var partition = new Option<string?>("--partition", "-p") { Description = "The partition key (leave out for an unpartitioned asset)." };
        var json = new Option<bool>("--json") { Description = "Write {\"asset\", \"partition\", \"current\", \"materializations\": [...]} as described in README." };
        var command = new Command("history", "List a partition's materializations, newest first, and which one readers get now: the ids 'rollback --to' takes.") { select, partition, json };
        command.SetAction((parseResult, cancellationToken) => host.RunQueriesAsync(
            parseResult,
            async (queries, _, ct) =>
            {
                var document = await queries.HistoryAsync(parseResult.GetValue(select)!, parseResult.GetValue(partition), ct).ConfigureAwait(false);
                if (parseResult.GetValue(json))
                {
                    await host.Terminal.Out.WriteLineAsync(document).ConfigureAwait(false);
                }
                else
                {
                    await WriteAsync(host.Terminal.Out, MaintenanceJson.ReadHistory(document)).ConfigureAwait(false);
                }

                return ExitCodes.Success;
            },
            cancellationToken));
        return command;
    }

    /// <summary>Two lines a materialization, within 80 columns: the id to copy with its status, then where it came from.</summary>
    private static async Task WriteAsync(TextWriter output, MaintenanceJson.HistoryDocument history)
    {
        var name = history.Partition is null ? history.Asset : $"{history.Asset}[{history.Partition}]";
        if (history.Materializations.Count == 0)
        {
            await output.WriteLineAsync($"{name} has no materializations under the root (never materialized, or gc removed them).").ConfigureAwait(false);
            return;
        }

        var count = history.Materializations.Count;
        await output.WriteLineAsync($"{name}: {count} materialization{(count == 1 ? string.Empty : "s")}, newest first (times UTC)").ConfigureAwait(false);
        foreach (var m in history.Materializations)
        {
            var rows = m.Rows is { } r ? r.ToString("N0", CultureInfo.InvariantCulture) + (r == 1 ? " row" : " rows") : "no manifest";
            var data = m.DataVersion is { } version ? "  data " + Short(version) : string.Empty;
            await output.WriteLineAsync($"{m.Id}  {m.Status,-11}  {rows}{data}").ConfigureAwait(false);
            var origin = $"    created {Time(m.CreatedAt)}" + (m.Run is { } run ? $", run {run[..Math.Min(8, run.Length)]}" : string.Empty);
            if (m.PublishedAt is { } published)
            {
                origin += $", published {Time(published)}";
            }

            await output.WriteLineAsync(origin).ConfigureAwait(false);
        }

        await output.WriteLineAsync(history.Current is null
            ? "Nothing is published. 'rollback --to ID' publishes a materialization that has a manifest."
            : "'rollback --to ID' points readers at another one that has a manifest.").ConfigureAwait(false);
    }

    private static string Short(string text) => text.Length > 12 ? text[..12] : text;

    private static string Time(string iso)
        => InstantPattern.ExtendedIso.Parse(iso) is { Success: true } parsed
            ? InstantPattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd HH':'mm':'ss").Format(parsed.Value)
            : iso;
}

using System.CommandLine;
using Assets.Graph;
using Assets.Hosting.Rendering;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Spectre.Console;

namespace Assets.Hosting.CommandLine;

/// <summary><c>status [--select S] [--from A --to B] [--json]</c>: the partition status grid, every status with its cause.</summary>
internal static class StatusCommand
{
    public static Command Create(CommandHost host)
    {
        var select = SelectOption.Create("Only these assets (default: every asset).");
        var range = new PartitionRangeOptions();
        var json = new Option<bool>("--json") { Description = "Write {\"rows\": [...]} as JSON: one row per asset and partition with its status and cause." };
        var command = new Command("status", "Show the partition status grid: missing, running, published, stale, waiting, failed, quarantined, each with its cause.") { select, json };
        range.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => host.RunQueriesAsync(
            parseResult,
            async (queries, services, ct) =>
            {
                // One path with or without a daemon: the JSON document with --json, else the grid's rows (straight from the
                // grid in this process; a daemon's document read back), drawn.
                if (parseResult.GetValue(json))
                {
                    var document = await queries.StatusAsync(parseResult.GetValue(select), range.Read(parseResult), ct).ConfigureAwait(false);
                    await host.Terminal.Out.WriteLineAsync(document).ConfigureAwait(false);
                }
                else
                {
                    var rows = await queries.StatusRowsAsync(parseResult.GetValue(select), range.Read(parseResult), ct).ConfigureAwait(false);
                    var derived = services.GetRequiredService<AssetGraph>().Assets.Where(a => !a.HasExplicitCodeVersion).Select(a => a.Key).ToHashSet();
                    StatusGridView.Write(host.Terminal.Console, rows, derived);

                    // Freshness beside the grid: each shown asset with a policy, judged now against what is published.
                    var shown = rows.Select(r => r.Asset.Value).ToHashSet(StringComparer.Ordinal);
                    var now = services.GetRequiredService<AssetsClock>().GetCurrentInstant();
                    var freshness = FreshnessJson.Read(await queries.FreshnessAsync(now, ct).ConfigureAwait(false)).Assets.Where(f => shown.Contains(f.Asset)).ToList();
                    if (freshness.Count > 0)
                    {
                        host.Terminal.Console.WriteLine();
                        foreach (var f in freshness)
                        {
                            host.Terminal.Console.MarkupLine(Markup.Escape($"freshness {f.Asset}: {f.State} ({f.Policy}): {f.Cause}"));
                        }
                    }
                }

                return ExitCodes.Success;
            },
            cancellationToken));
        return command;
    }
}

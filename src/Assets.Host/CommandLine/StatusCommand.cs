using System.CommandLine;
using Assets.Freshness;
using Assets.Graph;
using Assets.Hosting.Storage;
using Assets.Hosting.Rendering;
using Assets.Planning;
using Assets.Selection;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Assets.Hosting.CommandLine;

/// <summary><c>status [--select S] [--from A --to B] [--json]</c>: the partition status grid, every status with its cause.</summary>
internal static class StatusCommand
{
    public static Command Create(CommandHost host)
    {
        var select = SelectOption.Create("Only these assets (default: every asset).");
        var range = new PartitionRangeOptions();
        var json = new Option<bool>("--json") { Description = "Write {\"rows\": [...]} as described in README." };
        var command = new Command("status", "Show the partition status grid: missing, running, published, stale, waiting, failed, quarantined, each with its cause.") { select, json };
        range.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => host.RunAsync(
            parseResult,
            async (services, ct) =>
            {
                var graph = services.GetRequiredService<AssetGraph>();
                var selected = (parseResult.GetValue(select) is { } s ? AssetSelection.Parse(s) : AssetSelection.All).Resolve(graph);
                var grid = await PlanningCommands.EvaluateAsync(services, ct).ConfigureAwait(false);
                var picked = PlanningCommands.Range(range.Read(parseResult));
                var rows = selected.Select(asset => (Asset: asset.Key, Rows: Planner.RowsInRange(grid, asset, picked))).ToArray();
                if (parseResult.GetValue(json))
                {
                    await host.Terminal.Out.WriteLineAsync(CommandJson.Status(rows.SelectMany(r => r.Rows).Select(r =>
                        (r.Partition, StatusGridView.Name(r.Status), r.Cause, r.Stored?.DataVersion, r.Stored?.PublishedAt)))).ConfigureAwait(false);
                }
                else
                {
                    StatusGridView.Write(host.Terminal.Console, rows.Where(r => r.Rows.Count > 0)
                        .Select(r => new StatusRow(r.Asset, r.Rows.Select(c => new StatusCell(c.Partition.Partition, c.Status, c.Cause)).ToArray())).ToArray());

                    // Freshness beside the grid: each selected asset with a policy, judged now against what is published.
                    var metadata = await services.GetRequiredService<AssetsStorage>().OpenMetadataAsync(ct).ConfigureAwait(false);
                    var selectedKeys = selected.Select(a => a.Key).ToHashSet();
                    var freshness = FreshnessEvaluator.Evaluate(graph, await metadata.GetStatesAsync(null, ct).ConfigureAwait(false), grid.AsOf)
                        .Where(f => selectedKeys.Contains(f.Asset))
                        .ToList();
                    if (freshness.Count > 0)
                    {
                        host.Terminal.Console.WriteLine();
                        foreach (var f in freshness)
                        {
                            host.Terminal.Console.MarkupLine(Markup.Escape($"freshness {f.Asset}: {f.State.ToString().ToLowerInvariant()} ({f.Policy.Describe()}): {f.Cause}"));
                        }
                    }
                }

                return ExitCodes.Success;
            },
            cancellationToken));
        return command;
    }
}

using System.CommandLine;
using Assets.Graph;
using Assets.Hosting.Storage;
using Assets.Selection;
using Assets.Storage.Maintenance;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Assets.Hosting.CommandLine;

/// <summary><c>rollback --select S --partition P [--to ID]</c>: re-point a partition at an earlier version.</summary>
internal static class RollbackCommand
{
    public static Command Create(CommandHost host)
    {
        var select = SelectOption.Create("The assets to roll back.");
        select.Required = true;
        var partition = CommandOptions.Text("--partition", "The partition key (leave out for an unpartitioned asset).", aliases: "-p");
        var to = CommandOptions.Text("--to", "The materialization id to point at (default: the version published before the current one).");
        var command = new Command("rollback", "Re-point a partition at an earlier materialization: an instant return to a previous version.") { select, partition, to };
        command.SetAction((parseResult, cancellationToken) => host.RunAsync(
            parseResult,
            (services, ct) => RunAsync(host.Terminal, services, parseResult.GetValue(select)!, parseResult.GetValue(partition), parseResult.GetValue(to), ct),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(Terminal terminal, IServiceProvider services, string select, string? partitionText, string? toText, CancellationToken cancellationToken)
    {
        var graph = services.GetRequiredService<AssetGraph>();
        var assets = AssetSelection.Parse(select).Resolve(graph);
        MaterializationId? to = null;
        if (toText is not null)
        {
            if (!MaterializationId.TryParse(toText, out var id))
            {
                throw new CommandUsageException($"--to '{AssetKey.Printable(toText)}' is not a materialization id: expected 32 lower-case hex digits, as 'status' and the manifests show them.");
            }

            if (assets.Count != 1)
            {
                throw new CommandUsageException($"--to names one materialization, but '{select}' selects {assets.Count} assets: select exactly one.");
            }

            to = id;
        }

        var partitions = assets.Select(asset => new AssetPartition(asset.Key, AssetGraph.ParsePartition(asset, partitionText))).ToArray();
        var storage = services.GetRequiredService<AssetsStorage>();
        var metadata = await storage.OpenMetadataAsync(cancellationToken).ConfigureAwait(false);
        var rollback = new PartitionRollback(storage.Store, metadata, services.GetRequiredService<AssetsClock>(), storage.Publishing);
        var run = RunId.New();
        var failed = 0;
        foreach (var partition in partitions)
        {
            try
            {
                var pointer = await rollback.RollbackAsync(partition, to, run, cancellationToken).ConfigureAwait(false);
                await terminal.Out.WriteLineAsync($"{partition}: now materialization {pointer.MaterializationId} (data version {pointer.DataVersion}).").ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidOperationException or Assets.Storage.Publishing.CorruptObjectException or Assets.Storage.Publishing.PartitionLeasedException or Assets.Storage.Publishing.PublishConflictException)
            {
                failed++;
                await terminal.Error.WriteLineAsync($"{partition}: {e.Message}").ConfigureAwait(false);
            }
        }

        return failed == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }
}

using System.CommandLine;
using Assets.Hosting.Rendering;

namespace Assets.Hosting.CommandLine;

/// <summary>
/// <c>rollback --select S --partition P [--to ID]</c>: re-point a partition at an earlier version (an id <c>history</c>
/// lists), through the daemon while one runs, since it holds the store and the leases.
/// </summary>
internal static class RollbackCommand
{
    public static Command Create(CommandHost host)
    {
        var select = SelectOption.Create("The assets to roll back.");
        select.Required = true;
        var partition = CommandOptions.Text("--partition", "The partition key (leave out for an unpartitioned asset).", aliases: "-p");
        var to = CommandOptions.Text("--to", "The materialization id to point at, as 'history' lists them (default: the version published before the current one).");
        var command = new Command("rollback", "Re-point a partition at an earlier materialization: an instant return to a previous version.") { select, partition, to };
        command.SetAction((parseResult, cancellationToken) => host.RunQueriesAsync(
            parseResult,
            async (queries, _, ct) =>
            {
                var document = await queries.RollbackAsync(parseResult.GetValue(select)!, parseResult.GetValue(partition), parseResult.GetValue(to), ct).ConfigureAwait(false);
                var failed = 0;
                foreach (var item in MaintenanceJson.ReadRollback(document).Partitions)
                {
                    var name = item.Partition is null ? item.Asset : $"{item.Asset}[{item.Partition}]";
                    if (item.Error is { } error)
                    {
                        failed++;
                        await host.Terminal.Error.WriteLineAsync(error.StartsWith(name, StringComparison.Ordinal) ? error : $"{name}: {error}").ConfigureAwait(false);
                    }
                    else
                    {
                        await host.Terminal.Out.WriteLineAsync($"{name}: now materialization {item.MaterializationId} (data version {item.DataVersion}).").ConfigureAwait(false);
                    }
                }

                return failed == 0 ? ExitCodes.Success : ExitCodes.Failure;
            },
            cancellationToken));
        return command;
    }
}

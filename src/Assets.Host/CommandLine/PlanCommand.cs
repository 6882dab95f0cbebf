using Assets.Hosting.Rendering;
using System.CommandLine;
using System.Text.Json;

namespace Assets.Hosting.CommandLine;

/// <summary><c>plan --select S [--partition P | --from A --to B] [--force] [--json]</c>: what would run and why, without running it.</summary>
internal static class PlanCommand
{
    public static Command Create(CommandHost host)
    {
        var select = SelectOption.Create("The assets to plan.");
        select.Required = true;
        var range = new PartitionRangeOptions();
        var force = new Option<bool>("--force") { Description = "Plan every partition in range, not only the missing, stale and failed ones." };
        var json = new Option<bool>("--json") { Description = "Write the plan as JSON: {\"steps\": [...], \"blocked\": [...]}, each step with its asset, partition and reason." };
        var command = new Command("plan", "Show which partitions would be materialized and why, and which are blocked, without running anything.") { select, force, json };
        range.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => host.RunQueriesAsync(
            parseResult,
            async (queries, _, ct) =>
            {
                var document = await queries.PlanAsync(parseResult.GetValue(select)!, range.Read(parseResult), parseResult.GetValue(force), ct).ConfigureAwait(false);
                if (parseResult.GetValue(json))
                {
                    await host.Terminal.Out.WriteLineAsync(document).ConfigureAwait(false);
                }
                else
                {
                    using var plan = JsonDocument.Parse(document);
                    await WriteRangeAsync(host.Terminal, plan).ConfigureAwait(false);
                    await PlanningCommands.WritePlanAsync(host.Terminal, Items(plan, "steps"), BlockedItems(plan)).ConfigureAwait(false);
                }

                return ExitCodes.Success;
            },
            cancellationToken));
        return command;
    }

    /// <summary>What a --from/--to range picked in each time-partitioned asset, in its own zone and cadence.</summary>
    private static async Task WriteRangeAsync(Terminal terminal, JsonDocument plan)
    {
        if (!plan.RootElement.TryGetProperty("range", out var range))
        {
            return;
        }

        foreach (var pick in range.EnumerateArray())
        {
            var asset = pick.GetProperty("asset").GetString();
            var count = pick.GetProperty("count").GetInt32();
            var (first, last) = (pick.GetProperty("first").GetString(), pick.GetProperty("last").GetString());
            await terminal.Out.WriteLineAsync(count switch
            {
                0 => $"range    {asset}: no partition lies in the range",
                1 => $"range    {asset}[{first}]",
                _ => $"range    {asset}[{first}..{last}] ({count} partitions)",
            }).ConfigureAwait(false);
        }
    }

    private static (string Partition, string Reason)[] Items(JsonDocument plan, string name)
        => plan.RootElement.GetProperty(name).EnumerateArray().Select(i =>
        {
            var asset = i.GetProperty("asset").GetString()!;
            // The text AssetPartition.ToString writes: asset, or asset[partition].
            return (i.GetProperty("partition").GetString() is { } p ? $"{asset}[{p}]" : asset, i.GetProperty("reason").GetString()!);
        }).ToArray();

    private static PlanLineItem[] BlockedItems(JsonDocument plan)
        => plan.RootElement.GetProperty("blocked").EnumerateArray()
            .Select(i => new PlanLineItem(i.GetProperty("asset").GetString()!, i.GetProperty("partition").GetString(), i.GetProperty("reason").GetString()!))
            .ToArray();
}

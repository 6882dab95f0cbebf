using System.CommandLine;
using Assets.Hosting.Rendering;

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
        var json = new Option<bool>("--json") { Description = "Write {\"steps\": [...], \"blocked\": [...]} as described in README." };
        var command = new Command("plan", "Show which partitions would be materialized and why, and which are blocked, without running anything.") { select, force, json };
        range.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => host.RunAsync(
            parseResult,
            async (services, ct) =>
            {
                var plan = await PlanningCommands.PlanAsync(services, parseResult.GetValue(select)!, range.Read(parseResult), parseResult.GetValue(force), ct).ConfigureAwait(false);
                if (parseResult.GetValue(json))
                {
                    await host.Terminal.Out.WriteLineAsync(CommandJson.Plan(plan.Steps.Select(s => (s.Partition, s.Reason)), plan.Blocked.Select(b => (b.Partition, b.Reason)))).ConfigureAwait(false);
                }
                else
                {
                    await PlanningCommands.WritePlanAsync(host.Terminal, plan).ConfigureAwait(false);
                }

                return ExitCodes.Success;
            },
            cancellationToken));
        return command;
    }
}

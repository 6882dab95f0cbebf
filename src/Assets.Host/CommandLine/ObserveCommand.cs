using System.CommandLine;
using Assets.Hosting.Rendering;
using Spectre.Console;

namespace Assets.Hosting.CommandLine;

/// <summary>
/// <c>observe [--select S] [--partition P | --from A --to B] [--json]</c>: runs the source observers of the selected assets
/// for their existing partitions and records what they see (what <c>serve</c> does every tick); exit 1 when an observer failed.
/// </summary>
internal static class ObserveCommand
{
    public static Command Create(CommandHost host)
    {
        var select = SelectOption.Create("Only these assets (default: every asset with a [SourceObserver]).");
        var range = new PartitionRangeOptions();
        var json = new Option<bool>("--json") { Description = "Write {\"observations\": [...]} as JSON: what each observer saw per partition." };
        var command = new Command("observe", "Observe the sources of observed assets: which partitions' sources arrived or changed. A changed source makes its partitions stale.") { select, json };
        range.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => host.RunQueriesAsync(
            parseResult,
            async (queries, _, ct) =>
            {
                var document = await queries.ObserveAsync(parseResult.GetValue(select), range.Read(parseResult), ct).ConfigureAwait(false);
                var observations = ObservationJson.Read(document).Observations;
                if (parseResult.GetValue(json))
                {
                    await host.Terminal.Out.WriteLineAsync(document).ConfigureAwait(false);
                }
                else
                {
                    Write(host.Terminal, observations);
                }

                return observations.Any(o => o.Error is not null) ? ExitCodes.Failure : ExitCodes.Success;
            },
            cancellationToken));
        return command;
    }

    private static void Write(Terminal terminal, IReadOnlyList<ObservationJson.Item> observations)
    {
        if (observations.Count == 0)
        {
            terminal.Console.WriteLine("No selected asset observes its source: add a [SourceObserver(\"asset\")] method to one.");
            return;
        }

        foreach (var o in observations.Where(o => o.Changed || o.Error is not null))
        {
            var name = o.Partition is null ? o.Asset : $"{o.Asset}[{o.Partition}]";
            var line = o.Error is { } error ? $"[red]failed[/]   {Markup.Escape(name)}  {Markup.Escape(error)}"
                : o.Arrived == true ? $"[green]arrived[/]  {Markup.Escape(name)}  {Markup.Escape(o.Description ?? string.Empty)} (version {Markup.Escape(Short(o.Version))})"
                : $"[yellow]absent[/]   {Markup.Escape(name)}  {Markup.Escape(o.Description ?? string.Empty)}";
            terminal.Console.MarkupLine(line);
        }

        var arrived = observations.Count(o => o.Arrived == true);
        var absent = observations.Count(o => o.Arrived == false);
        var failed = observations.Count(o => o.Error is not null);
        var changed = observations.Count(o => o.Changed);
        terminal.Console.MarkupLine(Markup.Escape(
            $"Observed {observations.Count} sources: {arrived} present, {absent} absent{(failed > 0 ? $", {failed} failed" : string.Empty)}; {changed} new or changed since the last observation."));
    }

    private static string Short(string? version) => version is { Length: > 12 } v ? v[..12] + "…" : version ?? "-";
}

using System.CommandLine;
using Assets.Graph;
using Assets.Hosting.Rendering;
using Assets.Selection;
using Microsoft.Extensions.DependencyInjection;

namespace Assets.Hosting.CommandLine;

/// <summary><c>lineage [--select S] [--format text|mermaid|dot]</c>: the asset graph, or the part a selection picks.</summary>
internal static class LineageCommand
{
    public static Command Create(CommandHost host)
    {
        var select = SelectOption.Create("Only these assets and the edges among them (default: every asset).");
        var format = CommandOptions.OneOf("--format", "text, mermaid (paste into Markdown) or dot (Graphviz).", LineageFormat.Text, LineageFormat.All);
        var command = new Command("lineage", "Show the asset graph: which asset reads which, through which partition mapping.") { select, format };
        command.SetAction((parseResult, cancellationToken) => host.RunAsync(
            parseResult,
            (services, _) => Task.FromResult(Run(host.Terminal, services, parseResult.GetValue(select), parseResult.GetValue(format)!)),
            cancellationToken));
        return command;
    }

    private static int Run(Terminal terminal, IServiceProvider services, string? select, string format)
    {
        var graph = services.GetRequiredService<AssetGraph>();
        var selected = (select is null ? AssetSelection.All : AssetSelection.Parse(select)).Resolve(graph);
        var text = format switch
        {
            LineageFormat.Mermaid => LineageFormat.WriteMermaid(selected),
            LineageFormat.Dot => LineageFormat.WriteDot(selected),
            _ => WriteText(selected),
        };
        terminal.Out.Write(text);
        return ExitCodes.Success;
    }

    private static string WriteText(IReadOnlyList<AssetDefinition> selected)
    {
        var upstreamByAsset = LineageFormat.Edges(selected).ToLookup(e => e.Downstream.Key, e => e.Dependency);
        var width = selected.Count == 0 ? 0 : selected.Max(a => a.Key.Value.Length);
        var lines = selected.Select(asset =>
        {
            var reads = upstreamByAsset[asset.Key].Select(AssetDescriptions.Dependency).ToArray();
            var suffix = reads.Length == 0 ? $"({AssetDescriptions.Partitions(asset)})" : "<- " + string.Join(", ", reads);
            return asset.Key.Value.PadRight(width) + "  " + suffix;
        });
        return string.Concat(lines.Select(l => l + Environment.NewLine));
    }
}

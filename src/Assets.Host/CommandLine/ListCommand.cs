using System.CommandLine;
using Assets.Graph;
using Assets.Hosting.Rendering;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Spectre.Console;

namespace Assets.Hosting.CommandLine;

/// <summary><c>list [--json]</c>: every asset with its group, partitions, dependencies, checks, freshness policy and state, automation and code version.</summary>
internal static class ListCommand
{
    public static Command Create(CommandHost host)
    {
        var json = new Option<bool>("--json") { Description = "Write the assets as one JSON document {\"assets\": [...]} instead of a table." };
        var command = new Command("list", "List the assets with group, partitions, dependencies, checks, freshness policy and state, automation, source observer and code version.") { json };
        command.SetAction((parseResult, cancellationToken) => host.RunQueriesAsync(
            parseResult,
            async (queries, services, ct) =>
            {
                // Each policy with its state now, judged against what is published (through the daemon while it runs). The
                // definitions do not need the store: when another command holds it, they are listed without the states.
                var now = services.GetRequiredService<AssetsClock>().GetCurrentInstant();
                Dictionary<string, Rendering.FreshnessJson.Item> freshness;
                try
                {
                    freshness = Rendering.FreshnessJson.Read(await queries.FreshnessAsync(now, ct).ConfigureAwait(false)).Assets.ToDictionary(f => f.Asset, StringComparer.Ordinal);
                }
                catch (Assets.Storage.Metadata.MetadataStoreLockedException e)
                {
                    await host.Terminal.Error.WriteLineAsync($"Freshness states are left out: {e.Message}").ConfigureAwait(false);
                    freshness = [];
                }

                return Run(host.Terminal, services, now, freshness, parseResult.GetValue(json));
            },
            cancellationToken));
        return command;
    }

    private static int Run(Terminal terminal, IServiceProvider services, Instant now, Dictionary<string, Rendering.FreshnessJson.Item> freshness, bool json)
    {
        var graph = services.GetRequiredService<AssetGraph>();
        if (json)
        {
            terminal.Out.WriteLine(AssetListJson.Write(graph.Assets, now, freshness));
            return ExitCodes.Success;
        }

        // One block per asset rather than a wide table: readable in an 80-column terminal and greppable.
        foreach (var asset in graph.Assets)
        {
            var header = $"[bold]{Markup.Escape(asset.Key.Value)}[/] [grey]({Markup.Escape(asset.Group)})[/]";
            if (asset.Description is { } description)
            {
                header += "  " + Markup.Escape(description);
            }

            terminal.Console.MarkupLine(header);
            Field(terminal, "partitions", asset.Partitions is { } p ? $"{p.Describe()}, {Plural.Of(p.GetKeys(now).Count, "partition")}" : "unpartitioned");
            Field(terminal, "reads", asset.Dependencies.Count == 0 ? "-" : string.Join(", ", asset.Dependencies.Select(AssetDescriptions.Dependency)));
            Field(terminal, "checks", asset.Checks.Count == 0 ? "-" : string.Join(", ", asset.Checks.Select(c => c.Name + (c.Blocking ? " (blocking)" : string.Empty))));
            Field(terminal, "freshness", AssetDescriptions.Freshness(asset.Freshness) + (freshness.TryGetValue(asset.Key.Value, out var state) ? $": {state.State} ({state.Cause})" : string.Empty));
            Field(terminal, "automation", asset.Automation?.Describe() ?? "-");
            Field(terminal, "source", asset.SourceObserver is { } observer
                ? $"observed by {observer.Location}" + (observer.LateAfter is { } late ? $", late after {DurationText.Format(late)}" : ", no late-data deadline")
                : "-");
            Field(terminal, "retry", asset.Retry.Describe());
            if (asset.Owners.Count > 0)
            {
                Field(terminal, "owners", string.Join(", ", asset.Owners));
            }

            if (asset.Tags.Count > 0)
            {
                Field(terminal, "tags", string.Join(", ", asset.Tags.Select(t => t.Value.Length == 0 ? t.Key : $"{t.Key}={t.Value}")));
            }

            Field(terminal, "code version", AssetDescriptions.CodeVersion(asset));
            terminal.Console.WriteLine();
        }

        terminal.Console.MarkupLine($"[grey]{graph.Assets.Count} asset{(graph.Assets.Count == 1 ? string.Empty : "s")}[/]");
        return ExitCodes.Success;
    }

    private static void Field(Terminal terminal, string label, string value)
        => terminal.Console.MarkupLine($"  [grey]{label,-13}[/]{Markup.Escape(value)}");
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Assets.Freshness;
using Assets.Graph;
using Assets.Hosting.Rendering;
using Assets.Hosting.Storage;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Text;
using Spectre.Console;

namespace Assets.Hosting.CommandLine;

/// <summary><c>freshness [--json] [--as-of INSTANT]</c>: every asset with a policy judged now (or at an instant) against what is published; exit 1 when one is overdue.</summary>
internal static class FreshnessCommand
{
    public static Command Create(CommandHost host)
    {
        var json = new Option<bool>("--json") { Description = "Write {\"assets\": [...]} as JSON: each asset with its state, lag and late partitions." };
        var asOf = CommandOptions.Text(
            "--as-of", "Judge at this instant (ISO-8601, e.g. 2026-02-01T02:00:00Z) against what is published now.", text => InstantText.Check(text, "--as-of"));
        var command = new Command("freshness", "The freshness of every asset with a policy: fresh, warn, overdue or unknown, with the lag and the late partitions. Exit 1 when one is overdue.") { json, asOf };
        command.SetAction((parseResult, cancellationToken) => host.RunQueriesAsync(
            parseResult,
            async (queries, services, ct) =>
            {
                // The instant is fixed here, so the daemon judges at the moment the command was run.
                var at = parseResult.GetValue(asOf) is { } text ? InstantText.Parse(text, "--as-of") : services.GetRequiredService<AssetsClock>().GetCurrentInstant();
                var document = await queries.FreshnessAsync(at, ct).ConfigureAwait(false);
                var results = FreshnessJson.Read(document);
                if (parseResult.GetValue(json))
                {
                    await host.Terminal.Out.WriteLineAsync(document).ConfigureAwait(false);
                }
                else
                {
                    Write(host.Terminal, results.Assets, at);
                }

                return results.Assets.Any(r => r.State == FreshnessJson.Name(FreshnessState.Overdue)) ? ExitCodes.Failure : ExitCodes.Success;
            },
            cancellationToken));
        return command;
    }

    private static void Write(Terminal terminal, IReadOnlyList<FreshnessJson.Item> results, Instant at)
    {
        if (results.Count == 0)
        {
            terminal.Console.WriteLine("No asset has a freshness policy: add [Freshness(MaxLag = \"3h\")] to one.");
            return;
        }

        var table = new Table().Border(TableBorder.Simple).AddColumn("asset").AddColumn("state").AddColumn(new TableColumn("lag").RightAligned()).AddColumn("policy").AddColumn("why");
        foreach (var r in results)
        {
            var color = r.State switch { "overdue" => "red", "warn" => "yellow", "fresh" => "green", _ => "grey" };
            table.AddRow(
                Markup.Escape(r.Asset), $"[{color}]{r.State}[/]", r.LagSeconds is { } lag ? DurationText.Format(Duration.FromSeconds(lag)) : "-", Markup.Escape(r.Policy), Markup.Escape(r.Cause));
        }

        terminal.Console.Write(table);
        terminal.Console.MarkupLine(Markup.Escape($"as of {InstantPattern.ExtendedIso.Format(at)}"));
    }
}

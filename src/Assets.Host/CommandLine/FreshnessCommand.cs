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
        var json = new Option<bool>("--json") { Description = "Write {\"assets\": [...]} as described in README." };
        var asOf = new Option<string?>("--as-of") { Description = "Judge at this instant (ISO-8601, e.g. 2026-02-01T02:00:00Z) against what is published now." };
        var command = new Command("freshness", "The freshness of every asset with a policy: fresh, warn, overdue or unknown, with the lag and the late partitions. Exit 1 when one is overdue.") { json, asOf };
        command.SetAction((parseResult, cancellationToken) => host.RunAsync(
            parseResult,
            async (services, ct) =>
            {
                var at = parseResult.GetValue(asOf) is { } text ? ParseInstant(text) : services.GetRequiredService<IClock>().GetCurrentInstant();
                var metadata = await services.GetRequiredService<AssetsStorage>().OpenMetadataAsync(ct).ConfigureAwait(false);
                var results = FreshnessEvaluator.Evaluate(services.GetRequiredService<AssetGraph>(), await metadata.GetStatesAsync(null, ct).ConfigureAwait(false), at);
                if (parseResult.GetValue(json))
                {
                    await host.Terminal.Out.WriteLineAsync(Json(results)).ConfigureAwait(false);
                }
                else
                {
                    Write(host.Terminal, results, at);
                }

                return results.Any(r => r.State == FreshnessState.Overdue) ? ExitCodes.Failure : ExitCodes.Success;
            },
            cancellationToken));
        return command;
    }

    private static Instant ParseInstant(string text)
    {
        var parsed = InstantPattern.ExtendedIso.Parse(text);
        if (parsed.Success)
        {
            return parsed.Value;
        }

        var offset = OffsetDateTimePattern.ExtendedIso.Parse(text);
        return offset.Success
            ? offset.Value.ToInstant()
            : throw new CommandUsageException($"--as-of '{text}' is not an instant: give ISO-8601 with Z or an offset, for example 2026-02-01T02:00:00Z or 2026-02-01T03:00:00+01:00.");
    }

    private static void Write(Terminal terminal, IReadOnlyList<AssetFreshness> results, Instant at)
    {
        if (results.Count == 0)
        {
            terminal.Console.MarkupLine("No asset has a freshness policy: add [Freshness(MaxLag = \"3h\")] to one.");
            return;
        }

        var table = new Table().Border(TableBorder.Simple).AddColumn("asset").AddColumn("state").AddColumn(new TableColumn("lag").RightAligned()).AddColumn("policy").AddColumn("why");
        foreach (var r in results)
        {
            var color = r.State switch { FreshnessState.Overdue => "red", FreshnessState.Warn => "yellow", FreshnessState.Fresh => "green", _ => "grey" };
            table.AddRow(
                Markup.Escape(r.Asset.Value), $"[{color}]{Name(r.State)}[/]", r.Lag is { } lag ? DurationText.Format(lag) : "-", Markup.Escape(r.Policy.Describe()), Markup.Escape(r.Cause));
        }

        terminal.Console.Write(table);
        terminal.Console.MarkupLine(Markup.Escape($"as of {InstantPattern.ExtendedIso.Format(at)}"));
    }

    private static string Json(IReadOnlyList<AssetFreshness> results)
        => JsonSerializer.Serialize(
            new Document(results.Select(r => new Item(
                r.Asset.Value,
                Name(r.State),
                r.Lag is { } lag ? (long)lag.TotalSeconds : null,
                r.Policy.Describe(),
                r.Overdue.Select(k => k.Value).ToArray(),
                r.Warned.Select(k => k.Value).ToArray(),
                r.Cause)).ToArray()),
            JsonOutput.Options);

    private static string Name(FreshnessState state) => state.ToString().ToLower(CultureInfo.InvariantCulture);

    private sealed record Document(IReadOnlyList<Item> Assets);

    private sealed record Item(string Asset, string State, long? LagSeconds, string Policy, IReadOnlyList<string> Overdue, IReadOnlyList<string> Warn, string Cause);
}

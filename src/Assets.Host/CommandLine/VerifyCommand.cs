using System.CommandLine;
using Assets.Graph;
using Assets.Hosting.Storage;
using Assets.Selection;
using Assets.Storage.Maintenance;
using Microsoft.Extensions.DependencyInjection;

namespace Assets.Hosting.CommandLine;

/// <summary><c>verify [--select S]</c>: every published partition's manifest and files exist with their sizes and checksums.</summary>
internal static class VerifyCommand
{
    public static Command Create(CommandHost host)
    {
        var select = SelectOption.Create("Only the partitions of these assets (default: every pointer in the root).");
        var command = new Command("verify", "Check that every published partition's manifest and files exist, with their sizes and SHA-256 checksums.") { select };
        command.SetAction((parseResult, cancellationToken) => host.RunAsync(
            parseResult,
            (services, ct) => RunAsync(host.Terminal, services, parseResult.GetValue(select), ct),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(Terminal terminal, IServiceProvider services, string? select, CancellationToken cancellationToken)
    {
        var graph = services.GetRequiredService<AssetGraph>();
        var storage = services.GetRequiredService<AssetsStorage>();
        Func<AssetKey, bool>? include = null;
        if (select is not null)
        {
            var keys = AssetSelection.Parse(select).Resolve(graph).Select(a => a.Key).ToHashSet();
            include = keys.Contains;
        }

        var report = await new RootVerifier(storage.Store).VerifyAsync(include, cancellationToken).ConfigureAwait(false);
        foreach (var problem in report.Problems)
        {
            await terminal.Out.WriteLineAsync(problem.ToString()).ConfigureAwait(false);
        }

        var summary = $"Checked {Plural.Of(report.Partitions, "partition")} and {Plural.Of(report.Files, "file")} ({Sizes.Format(report.Bytes)}) in {storage.Store.Location}: ";
        if (report.IsIntact)
        {
            await terminal.Out.WriteLineAsync(summary + "all intact.").ConfigureAwait(false);
            return ExitCodes.Success;
        }

        await terminal.Out.WriteLineAsync(summary + $"{Plural.Of(report.Problems.Count, "problem")}. "
            + "Re-materialize the damaged partitions (materialize --force) or point them at an intact version (rollback).").ConfigureAwait(false);
        return ExitCodes.Failure;
    }
}

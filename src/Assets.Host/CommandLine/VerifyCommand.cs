using System.CommandLine;
using Assets.Graph;
using Assets.Hosting.Storage;
using Assets.Selection;
using Assets.Storage.Maintenance;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Assets.Hosting.CommandLine;

/// <summary>
/// <c>verify [--select S] [--reconcile]</c>: every published partition's manifest and files exist with their sizes and
/// checksums; with <c>--reconcile</c>, first the metadata store is reconciled with every pointer (opening it reads none
/// after a clean close, and after an unclean one only the pointers written since the last reconciliation, so a pointer
/// changed while no process held the store is found only here).
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(CommandHost host)
    {
        var select = SelectOption.Create("Only the partitions of these assets (default: every pointer in the root).");
        var reconcile = new Option<bool>("--reconcile")
        {
            Description = "First reconcile the metadata store with every pointer in the root. Opening the store trusts it as the last "
                + "clean close left it, so run this after changing the root by other means: restoring a backup, copying a root or a "
                + "metadata file, another tool or another machine's store publishing to it, editing pointers by hand.",
        };
        var command = new Command("verify", "Check that every published partition's manifest and files exist, with their sizes and SHA-256 checksums.") { select, reconcile };
        command.SetAction((parseResult, cancellationToken) => host.RunAsync(
            parseResult,
            (services, ct) => RunAsync(host.Terminal, services, parseResult.GetValue(select), parseResult.GetValue(reconcile), ct),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(Terminal terminal, IServiceProvider services, string? select, bool reconcile, CancellationToken cancellationToken)
    {
        var graph = services.GetRequiredService<AssetGraph>();
        var storage = services.GetRequiredService<AssetsStorage>();
        if (reconcile)
        {
            var metadata = await storage.OpenMetadataAsync(cancellationToken).ConfigureAwait(false);
            var reconciled = await new PointerReconciler(storage.Store, metadata, services.GetRequiredService<AssetsClock>(), SystemClock.Instance)
                .ReconcileAsync(cancellationToken).ConfigureAwait(false);
            await terminal.Out.WriteLineAsync(
                $"Reconciled the metadata store with all {reconciled.Pointers} pointers: {reconciled.Updated} records rewritten"
                + (reconciled.Problems.Count == 0 ? "." : $", {reconciled.Problems.Count} unreadable (listed below).")).ConfigureAwait(false);
        }

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

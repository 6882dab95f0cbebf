using Assets.Hosting;
using Assets.Partitions;
using Assets.Storage.Metadata;
using Assets.Storage.Objects.Local;
using Microsoft.Extensions.DependencyInjection;

namespace Assets.Benchmarks;

/// <summary>
/// The command line of a program with one hourly asset of 100 or 20,000 partitions (issue 14, target 2: a command on
/// either costs the same), for <c>bench/store-open-cli.sh</c>:
/// <list type="bullet">
/// <item><c>hourly-cli run 100|20000 COMMAND...</c>: the framework's command line, as a user's program runs it;</item>
/// <item><c>hourly-cli populate ROOT 100|20000</c>: every partition published (pointers and manifests written
/// straight to the folder, an hour old, with the asset's pinned code version, so nothing is stale);</item>
/// <item><c>hourly-cli kill METADATA</c>: opens the store of the root it lies in (<c>ROOT/_meta/assets.duckdb</c>),
/// reconciles it and dies holding it, as a killed command would.</item>
/// </list>
/// </summary>
internal static class HourlyCommandLine
{
    public static async Task<int> RunAsync(string[] args)
    {
        switch (args)
        {
            case ["run", var size, .. var command]:
                return await AssetsApplication.RunAsync(command, builder => builder.Services.AddAssets(assets => assets.FromTypes(AssetsOf(size))));
            case ["populate", var root, var size]:
                StoreOpenBenchmark.WriteRoot(root, AssetKey.Parse("hourly"), Count(size), HourlyAssets.CodeVersion);
                return 0;
            case ["kill", var metadata]:
                // The store of ROOT/_meta/assets.duckdb, opened and reconciled with ROOT as a command does.
                await StoreOpenBenchmark.LeaveOpenAsIfKilledAsync(new LocalObjectStore(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(metadata)))!), metadata);
                return 0;
            default:
                Console.Error.WriteLine("usage: hourly-cli run 100|20000 COMMAND... | populate ROOT 100|20000 | kill METADATA");
                return 2;
        }
    }

    private static Type AssetsOf(string size) => Count(size) switch
    {
        100 => typeof(HourlyAssets.Hundred),
        20000 => typeof(HourlyAssets.TwentyThousand),
        _ => throw new ArgumentException($"No hourly asset of {size} partitions: 100 or 20000.", nameof(size)),
    };

    private static int Count(string size) => int.Parse(size, System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>One asset <c>hourly</c> from 2024-01-01 00:00 UTC, 100 or 20,000 hours long; its code version is pinned.</summary>
internal static class HourlyAssets
{
    public const string CodeVersion = "1";

    public static class Hundred
    {
        [Asset(CodeVersion = CodeVersion)]
        [HourlyPartitions("2024-01-01-00:00", End = "2024-01-05-03:00")]
        public static IEnumerable<Synthetic.SyntheticRow> Hourly() => [];
    }

    public static class TwentyThousand
    {
        [Asset(CodeVersion = CodeVersion)]
        [HourlyPartitions("2024-01-01-00:00", End = "2026-04-13-07:00")]
        public static IEnumerable<Synthetic.SyntheticRow> Hourly() => [];
    }
}

using Assets.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Assets.EndToEnd.Tests.SharedMode;

/// <summary>
/// The test assembly doubles as a program of one scheduled asset (<c>dotnet Assets.EndToEnd.Tests.dll serve</c>), so
/// tests can run real daemons whose schedule ticks every two seconds without building a program of their own. The test
/// host never calls this; the project sets <c>GenerateProgramFile</c> to false so that this is its entry point.
/// </summary>
internal static class TickingProgram
{
    /// <summary>The file the tests start with <c>dotnet</c>.</summary>
    public const string Assembly = "Assets.EndToEnd.Tests.dll";

    public static Task<int> Main(string[] args)
        => AssetsApplication.RunAsync(args, builder => builder.Services.AddAssets(assets => assets.FromTypes(typeof(TickingAssets))));
}

/// <summary>The program's asset: materialized at every tick of a two-second schedule, every missed tick included.</summary>
public static class TickingAssets
{
    /// <summary>Long enough that a daemon killed right after starting a tick's run dies mid-step.</summary>
    private static readonly TimeSpan Work = TimeSpan.FromSeconds(1);

    /// <summary>One row: when the tick's run materialized it.</summary>
    [Asset(CodeVersion = "1")]
    [Automation(Cron = "*/2 * * * * *", MissedTicks = MissedTickPolicy.All)]
    public static async Task<IReadOnlyList<Beat>> Heartbeat(CancellationToken cancellationToken)
    {
        await Task.Delay(Work, cancellationToken);
        return [new Beat(DateTime.UtcNow)];
    }
}

/// <summary>A row of <see cref="TickingAssets.Heartbeat"/>.</summary>
public sealed record Beat(DateTime MaterializedAt);

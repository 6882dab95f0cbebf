using Assets.Graph;
using Assets.Metadata;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Assets.Execution;

/// <summary>
/// Appends a run's events to the metadata store as they happen. Events are written even while the run is
/// being cancelled (that is when <see cref="RunEventKind.RunCancelled"/> matters), and a store that cannot
/// take one is logged rather than allowed to abort the run: the published pointers stay the truth.
/// </summary>
internal sealed class RunEvents(IMetadataStore store, IClock clock, RunId run, ILogger logger)
{
    public async Task AppendAsync(RunEventKind kind, AssetPartition? partition = null, int? attempt = null, string? message = null)
    {
        try
        {
            await store.AppendEventsAsync([new RunEvent(run, clock.GetCurrentInstant(), kind, partition, attempt, message)], CancellationToken.None)
                .ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The event log is an index; losing an entry must not abort the run.
        catch (Exception e)
#pragma warning restore CA1031
        {
            ExecutorLog.EventNotRecorded(logger, e, kind, run);
        }
    }
}

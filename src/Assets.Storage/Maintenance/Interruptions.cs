using Assets.Graph;
using Assets.Metadata;
using NodaTime;

namespace Assets.Storage.Maintenance;

/// <summary>
/// Settling partitions whose run died (<see cref="Interruption"/>): each is recorded failed with the interruption's cause,
/// counted with the interruptions before it, and logged as <see cref="RunEventKind.StepInterrupted"/> on the partition, so
/// eager automation retries it within the asset's retry budget and the event log says why. Used by the embedded store's
/// reconciliation and after the shared store settles the attempts of dead processes.
/// </summary>
public static class Interruptions
{
    /// <summary>
    /// How many times in a row the partition's runs died before: its interruptions since a step of it last ended otherwise
    /// (published, failed in its code, quarantined, waiting, skipped, rolled back). Reads a few events of one partition.
    /// </summary>
    public static async Task<int> InARowAsync(IMetadataStore metadata, AssetPartition partition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var events = await metadata.GetEventsAsync(partition: partition, limit: 200, ct: cancellationToken).ConfigureAwait(false);
        var count = 0;
        foreach (var e in events)
        {
            switch (e.Kind)
            {
                case RunEventKind.StepInterrupted:
                    count++;
                    break;
                case RunEventKind.StepPublished or RunEventKind.StepFailed or RunEventKind.StepQuarantined or RunEventKind.StepWaiting or RunEventKind.StepSkipped or RunEventKind.RolledBack:
                    return count;
            }
        }

        return count;
    }

    /// <summary>The failed state of <paramref name="running"/>, whose run died: its cause counts this interruption with those before it.</summary>
    public static async Task<PartitionState> SettledAsync(IMetadataStore metadata, PartitionState running, Instant now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(running);
        return running with
        {
            Status = PartitionStatus.Failed,
            Cause = Interruption.Cause(1 + await InARowAsync(metadata, running.Partition, cancellationToken).ConfigureAwait(false)),
            UpdatedAt = now,
        };
    }

    /// <summary>The <see cref="RunEventKind.StepInterrupted"/> event of a settled partition, under <paramref name="run"/> (the settling).</summary>
    public static RunEvent Event(RunId run, PartitionState settled, Instant now)
    {
        ArgumentNullException.ThrowIfNull(settled);
        return new(run, now, RunEventKind.StepInterrupted, settled.Partition, null, settled.Cause);
    }

    /// <summary>
    /// After the shared store settled <paramref name="partitions"/> (each failed with one interruption): counts each with
    /// the interruptions before it and logs it.
    /// </summary>
    public static async Task RecordSettledAsync(IMetadataStore metadata, IReadOnlyList<AssetPartition> partitions, Instant now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(partitions);
        var run = RunId.New();
        var states = new List<PartitionState>();
        foreach (var partition in partitions)
        {
            if (await metadata.GetStateAsync(partition, cancellationToken).ConfigureAwait(false) is { Status: PartitionStatus.Failed } failed)
            {
                states.Add(await SettledAsync(metadata, failed, now, cancellationToken).ConfigureAwait(false));
            }
        }

        if (states.Count > 0)
        {
            await metadata.SetStatesAsync(states, cancellationToken).ConfigureAwait(false);
            await metadata.AppendEventsAsync(states.Select(s => Event(run, s, now)).ToArray(), cancellationToken).ConfigureAwait(false);
        }
    }
}

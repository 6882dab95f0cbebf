using Assets.Graph;
using Assets.Metadata;
using NodaTime;

namespace Assets.Execution;

/// <summary>
/// One step's wait for another run's lease on its partition (the daemon's automation and a user's <c>materialize</c> meet on
/// the same partitions): instead of failing, the step says which run it waits for, polls the metadata store backing off from
/// a quarter second to five seconds (any store, in this process or shared), and gives up after
/// <see cref="ExecutionOptions.LeaseWait"/>, counted from the first time the step found the partition leased, naming the run.
/// </summary>
internal sealed class LeaseWait(ExecutionEnvironment env, AssetPartition partition)
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestDelay = TimeSpan.FromSeconds(5);

    private long? _since;
    private TimeSpan _delay = FirstDelay;

    /// <summary>The run waited for last, when known.</summary>
    public RunId? Holder { get; private set; }

    /// <summary>Whether the claim found the partition published by another run since this run was planned (and nothing left to do).</summary>
    public bool PublishedSincePlanned { get; private set; }

    /// <summary>
    /// Claims the partition (<see cref="IMaterializationStore.BeginAsync(Graph.AssetPartition, RunId, CancellationToken)"/>), waiting while another run holds its lease, with
    /// the step's <paramref name="slot"/> given back meanwhile; <c>null</c> when, after a wait, the caller's new plan
    /// (<see cref="ExecutionOptions.StillNeededAfterLeaseWait"/>) says the other run left nothing to do.
    /// </summary>
    public async Task<IMaterialization?> BeginAsync(int attempt, HeldSlot slot, CancellationToken cancellationToken)
    {
        var lookedAgain = false;
        while (true)
        {
            var seen = await PublishedSincePlannedAsync(cancellationToken).ConfigureAwait(false);
            if (seen.Done)
            {
                PublishedSincePlanned = true;
                return null;
            }

            try
            {
                var materialization = await env.BeginAsync(partition, cancellationToken).ConfigureAwait(false);
                // The claim marks the partition running with the version its pointer names (recording a publish whose
                // process died before its record, if any): another version than the look above saw means something
                // was published since that the plan did not know. Looked at again once, with a new plan.
                if (seen is { Checked: true, Done: false } && !lookedAgain
                    && (await env.Metadata.GetStateAsync(partition, cancellationToken).ConfigureAwait(false))?.MaterializationId != seen.Version)
                {
                    // Give the claim back (nothing ran; the published version and its state stay) and look again.
                    lookedAgain = true;
                    await materialization.DisposeAsync().ConfigureAwait(false);
                    if (!await env.Options.StillNeededAfterLeaseWait!(partition, cancellationToken).ConfigureAwait(false))
                    {
                        PublishedSincePlanned = true;
                        return null;
                    }

                    continue;
                }

                return materialization;
            }
            catch (LeaseHeldException held) when (env.Options.LeaseWait > Duration.Zero)
            {
                slot.Release();
                try
                {
                    await UntilFreeAsync(held, attempt, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    // Back in line for a slot before anything else of the step runs (recording its failure too).
                    await slot.AcquireAsync(cancellationToken).ConfigureAwait(false);
                }

                if (env.Options.StillNeededAfterLeaseWait is { } stillNeeded && !await stillNeeded(partition, cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }
            }
        }
    }

    /// <summary>
    /// Whether another run published the partition after this run was planned and, planned again, it needs nothing more
    /// (asked before the claim, since the claim marks the partition running; a publish between this look and the claim
    /// is caught by comparing the recorded version, <c>Version</c>, once the lease is held). One state read; the new plan
    /// only when the partition was published meanwhile.
    /// </summary>
    private async Task<(bool Checked, MaterializationId? Version, bool Done)> PublishedSincePlannedAsync(CancellationToken cancellationToken)
    {
        if (env.Options is not { PlannedAt: { } planned, StillNeededAfterLeaseWait: { } stillNeeded })
        {
            return (false, null, false);
        }

        var state = await env.Metadata.GetStateAsync(partition, cancellationToken).ConfigureAwait(false);
        var newer = state?.PublishedAt > planned;
        return (true, state?.MaterializationId, newer && !await stillNeeded(partition, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Waits until nobody holds the lease (as far as the store tells), after <paramref name="held"/> refused this run.
    /// Throws <see cref="NonRetryableException"/> naming the holder once the wait is spent.
    /// </summary>
    private async Task UntilFreeAsync(LeaseHeldException held, int attempt, CancellationToken cancellationToken)
    {
        var time = env.Options.TimeProvider;
        Holder = held.Holder ?? Holder;
        if (_since is null)
        {
            _since = time.GetTimestamp();
            var lease = await env.Metadata.GetLeaseAsync(partition, env.Clock.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
            Holder = lease?.Holder ?? Holder;
            var message = $"waiting for {Name(Holder)}, which is materializing it (at most {Format(env.Options.LeaseWait)})";
            await env.Events.AppendAsync(RunEventKind.StepWaitingForLease, partition, attempt, message).ConfigureAwait(false);
            env.Progress?.Report(new StepUpdate(partition, StepPhase.WaitingForLease, attempt, message, null));
            ExecutorLog.WaitingForLease(env.Logger, partition, message);
        }

        while (true)
        {
            var waited = time.GetElapsedTime(_since.Value);
            var left = env.Options.LeaseWait.ToTimeSpan() - waited;
            if (left <= TimeSpan.Zero)
            {
                throw new NonRetryableException(
                    $"{partition} is still being materialized by {Name(Holder)} after waiting {Format(env.Options.LeaseWait)} for it: "
                    + "run this again once that run has finished (status shows the partition running until then), or allow a longer wait with Assets:Execution:LeaseWait.");
            }

            // Always a pause first: the lease was refused a moment ago.
            await Task.Delay(_delay < left ? _delay : left, time, cancellationToken).ConfigureAwait(false);
            _delay = _delay * 2 < LongestDelay ? _delay * 2 : LongestDelay;
            var lease = await env.Metadata.GetLeaseAsync(partition, env.Clock.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
            if (lease is null || env.HoldsLease(lease.Holder))
            {
                return;
            }

            Holder = lease.Holder;
        }
    }

    /// <summary>How a waited-for run is named in messages.</summary>
    public static string Name(RunId? holder) => holder is { } run ? $"run {run}" : "another run";

    private static string Format(Duration duration) => DurationText.Format(duration);
}

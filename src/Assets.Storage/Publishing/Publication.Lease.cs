using Assets.Metadata;

namespace Assets.Storage.Publishing;

public sealed partial class Publication
{
    // Holding the partition's lease while the publication lasts, and letting go of it and of the staging marker at the end.
    /// <summary>
    /// Renews the lease once half of it has passed: often enough that it never lapses between steps, and
    /// rarely enough that a quick materialization pays for one lease write, not one per step.
    /// </summary>
    private async Task RenewLeaseAsync(CancellationToken cancellationToken, bool confirm = false)
    {
        var now = Now;
        if (_claim is { } claim)
        {
            // The heartbeat keeps a fenced lease; the steps only check it was not lost, and the publish confirms it
            // with the store, so a process that stalled past its lease (SIGSTOP, a long pause) learns it before it
            // touches the pointer.
            if (confirm)
            {
                await ConfirmLeaseAsync(cancellationToken).ConfigureAwait(false);
            }

            await ThrowIfLeaseLostAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        if (now - _leaseRenewedAt < _publisher.Options.LeaseDuration / 2)
        {
            return;
        }

        if (!await Metadata.TryAcquireLeaseAsync(Partition, LeaseHolder, now, _publisher.Options.LeaseDuration, cancellationToken).ConfigureAwait(false))
        {
            throw new PartitionLeasedException(Partition);
        }

        _leaseRenewedAt = now;
    }

    private async Task FinishAsync()
    {
        _finished = true;
        await StopHeartbeatAsync().ConfigureAwait(false);
        await ReleaseLeaseAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Throws <see cref="LeaseLostException"/> once the lease is lost, after recording the conflict
    /// (<see cref="RunEventKind.LeaseLost"/>); the caller records the failure, this writes no state.
    /// </summary>
    private async Task ThrowIfLeaseLostAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (LeaseLost)
        {
            await RecordLeaseLostAsync("so it stopped without publishing").ConfigureAwait(false);
            throw new LeaseLostException(Partition, _claim!.Epoch);
        }
    }

    /// <summary>Asks the store whether the fenced lease is still this claim's at its epoch (renewing it); marks it lost when not.</summary>
    private async Task ConfirmLeaseAsync(CancellationToken cancellationToken)
    {
        if (_claim is { } claim && !LeaseLost
            && !await ((IFencedLeaseStore)Metadata).TryRenewLeaseAsync(claim, Now, _publisher.Options.LeaseDuration, cancellationToken).ConfigureAwait(false))
        {
            _heartbeat!.MarkLost();
        }
    }

    /// <summary>
    /// Whether this attempt may still write the partition's state (its failure, its wait, the state it found): always with
    /// leases that are not fenced; with fenced ones, only while the store confirms the lease is still this claim's, since
    /// a process that stalled past its lease learns it here rather than from a heartbeat that has not beaten since it woke.
    /// A lost lease is recorded as the conflict it is, and the state stays the new holder's.
    /// </summary>
    private async Task<bool> StillHoldsLeaseAsync()
    {
        if (_claim is null)
        {
            return true;
        }

        try
        {
            await ConfirmLeaseAsync(CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Unconfirmed is not lost: the state write below meets the same store and reports its own error.
        catch (Exception)
#pragma warning restore CA1031
        {
            return !LeaseLost;
        }

        if (LeaseLost)
        {
            await RecordLeaseLostAsync("so it left the partition's state to the new holder").ConfigureAwait(false);
            return false;
        }

        return true;
    }

    /// <summary>
    /// Records, once, that this attempt's lease changed hands while it ran (<see cref="RunEventKind.LeaseLost"/>), naming
    /// the epoch it held and who holds the partition now; best effort, the caller's outcome stands either way.
    /// </summary>
    private async Task RecordLeaseLostAsync(string consequence)
    {
        if (_leaseLostRecorded || _claim is not { } claim)
        {
            return;
        }

        _leaseLostRecorded = true;
        try
        {
            var now = await ((IFencedLeaseStore)Metadata).GetLeaseAsync(Partition, CancellationToken.None).ConfigureAwait(false);
            var holder = now is { Holder: { } h } && h != claim.Holder ? $"holder {h} took it at epoch {now.Epoch}" : $"it is at epoch {now?.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} now";
            await Metadata.AppendEventsAsync(
                [new RunEvent(RunId, Now, RunEventKind.LeaseLost, Partition, null,
                    $"materialization {Id} lost the partition's lease (epoch {claim.Epoch}, holder {claim.Holder}): {holder}; {consequence}.")],
                CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The event log is an index; the refusal itself is what protects the partition.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private async Task StopHeartbeatAsync()
    {
        if (_heartbeat is not null)
        {
            await _heartbeat.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The marker goes after what it guarded is settled: the pointer swapped, or the outcome recorded.</summary>
    private async Task RemoveMarkerAsync()
    {
        if (_marked)
        {
            _marked = false;
            await StagingMarkers.RemoveQuietlyAsync(Store, Partition, Id).ConfigureAwait(false);
        }
    }

    private async Task ReleaseLeaseAsync()
    {
        await StopHeartbeatAsync().ConfigureAwait(false);
        await RemoveMarkerAsync().ConfigureAwait(false);
        if (!_leaseReleased)
        {
            _leaseReleased = true;
            await Metadata.ReleaseLeaseAsync(Partition, LeaseHolder, CancellationToken.None).ConfigureAwait(false);
        }
    }
}

using Assets.Graph;
using Assets.Metadata;
using Assets.Storage.Objects;
using NodaTime;

namespace Assets.Storage.Publishing;

/// <summary>
/// The publish protocol of DESIGN.md ("Storage and the publish protocol"), one partition at a time:
/// <see cref="BeginAsync(AssetPartition, RunId, CancellationToken)"/> claims the partition (takes its lease and reads the pointer's version as the
/// fencing token; a damaged pointer is replaced), and the returned <see cref="Publication"/> stages data files, writes the manifest,
/// and publishes by compare-and-swap of the pointer, or records a quarantine or a failure. At every
/// instant before the pointer is replaced, readers get the previous version whole; after it, the new one.
/// </summary>
public sealed class PartitionPublisher
{
    private readonly IObjectStore _store;
    private readonly IMetadataStore _metadata;
    private readonly IClock _clock;
    private readonly PublisherOptions _options;

    /// <summary>Creates the publisher.</summary>
    public PartitionPublisher(IObjectStore store, IMetadataStore metadata, IClock clock, PublisherOptions? options = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _metadata = metadata ?? throw new ArgumentNullException(nameof(metadata));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _options = options ?? new PublisherOptions();
        _options.Validate();
    }

    /// <summary>
    /// Step 1, claim: takes the partition's lease for <paramref name="run"/> (throws
    /// <see cref="PartitionLeasedException"/> when another run holds it), reads the current pointer as the
    /// fencing token, and marks the partition running.
    /// </summary>
    public Task<Publication> BeginAsync(AssetPartition partition, RunId run, CancellationToken cancellationToken = default)
        => BeginAsync(partition, run, run, cancellationToken);

    /// <summary>
    /// Step 1, claim, with the lease held under <paramref name="leaseHolder"/> rather than the run (one attempt of a step a
    /// worker claimed: a later claim of the same step holds it under another identity, which moves the fencing epoch on,
    /// so this attempt can no longer publish). Otherwise as <see cref="BeginAsync(AssetPartition, RunId, CancellationToken)"/>.
    /// </summary>
    public async Task<Publication> BeginAsync(AssetPartition partition, RunId run, RunId leaseHolder, CancellationToken cancellationToken = default)
    {
        var holder = leaseHolder;
        bool acquired;
        LeaseClaim? claim = null;
        try
        {
            if (_metadata is IFencedLeaseStore fenced)
            {
                // The epoch read with the lease fences every later step of this attempt (see Publication).
                claim = await fenced.TryClaimLeaseAsync(partition, holder, _clock.GetCurrentInstant(), _options.LeaseDuration, cancellationToken).ConfigureAwait(false);
                acquired = claim is not null;
            }
            else
            {
                acquired = await _metadata.TryAcquireLeaseAsync(partition, holder, _clock.GetCurrentInstant(), _options.LeaseDuration, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            // A store that groups its writes may have taken the lease and then failed to commit: give it back
            // rather than keep the partition from other runs until the lease expires.
            await ReleaseQuietlyAsync(partition, holder).ConfigureAwait(false);
            throw;
        }

        if (!acquired)
        {
            var lease = await _metadata.GetLeaseAsync(partition, _clock.GetCurrentInstant(), cancellationToken).ConfigureAwait(false);
            throw new PartitionLeasedException(partition, lease?.Holder);
        }

        try
        {
            // A damaged pointer (not a pointer at all) is the fencing token like any other: the publish replaces it,
            // and says so in the event log. One that names another partition's manifest still stops the claim.
            var fencing = await PublishedPartitions.ReadPointerToReplaceAsync(_store, partition, cancellationToken).ConfigureAwait(false);
            var previousState = await _metadata.GetStateAsync(partition, cancellationToken).ConfigureAwait(false);
            previousState = await LostPublishes.RecordIfLostAsync(this, partition, fencing.Current, previousState, run, cancellationToken).ConfigureAwait(false);
            await _metadata.SetStatesAsync([RunningState(partition, previousState, fencing.Current)], cancellationToken).ConfigureAwait(false);
            return new Publication(this, partition, run, MaterializationId.New(), fencing.Current, fencing.Version, previousState, fencing.Damaged, claim) { LeaseHolder = holder };
        }
        catch
        {
            await _metadata.ReleaseLeaseAsync(partition, holder, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Settles one partition whose attempt was abandoned (recorded running, its lease free: its process died): takes the
    /// lease under a holder of its own so nobody else claims the partition meanwhile, and records the publish of that
    /// attempt when its pointer landed before its process died (<see cref="LostPublishes"/>). Returns whether it
    /// recorded one; <c>false</c> also when someone else holds the lease now (that claim settles it).
    /// </summary>
    public async Task<bool> RecordLostPublishAsync(AssetPartition partition, CancellationToken cancellationToken = default)
    {
        var holder = RunId.New();
        if (!await _metadata.TryAcquireLeaseAsync(partition, holder, _clock.GetCurrentInstant(), _options.LeaseDuration, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        try
        {
            var pointer = await PublishedPartitions.ReadPointerToReplaceAsync(_store, partition, cancellationToken).ConfigureAwait(false);
            var state = await _metadata.GetStateAsync(partition, cancellationToken).ConfigureAwait(false);
            return state is { Status: PartitionStatus.Running }
                && !ReferenceEquals(state, await LostPublishes.RecordIfLostAsync(this, partition, pointer.Current, state, holder, cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            await ReleaseQuietlyAsync(partition, holder).ConfigureAwait(false);
        }
    }

    internal IObjectStore Store => _store;

    private async Task ReleaseQuietlyAsync(AssetPartition partition, RunId holder)
    {
        try
        {
            await _metadata.ReleaseLeaseAsync(partition, holder, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The first error is the one to report; the lease expires anyway.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    internal IMetadataStore Metadata => _metadata;

    internal IClock Clock => _clock;

    internal PublisherOptions Options => _options;

    private PartitionState RunningState(AssetPartition partition, PartitionState? previous, PartitionPointer? pointer)
        => new(
            partition,
            PartitionStatus.Running,
            null,
            pointer?.MaterializationId ?? previous?.MaterializationId,
            pointer?.DataVersion ?? previous?.DataVersion,
            previous?.CodeVersion,
            pointer?.Sequence ?? previous?.Sequence,
            pointer?.PublishedAt ?? previous?.PublishedAt,
            _clock.GetCurrentInstant());
}

using System.Security.Cryptography;
using System.Text;
using Assets.Graph;
using Assets.Metadata;
using Assets.Storage.Maintenance;
using Assets.Storage.Metadata;
using Assets.Storage.Objects;
using NodaTime;

namespace Assets.Storage.Publishing;

/// <summary>
/// One materialization of one partition going through the publish protocol, created by
/// <see cref="PartitionPublisher.BeginAsync(AssetPartition, RunId, CancellationToken)"/> with the partition's lease held. Call, in order:
/// <see cref="StageFileAsync"/> for each output file (step 2), run the checks against
/// <see cref="OpenStagedAsync"/> (step 3) and <see cref="QuarantineAsync"/> on a blocking failure,
/// <see cref="WriteManifestAsync"/> (step 4), then <see cref="PublishAsync"/> (steps 5 and 6); or
/// <see cref="FailAsync"/> when the body failed. Disposing releases the lease; a publication disposed
/// before it finished leaves the previous version published and its staged files for <c>gc</c>.
/// With a metadata store whose leases are fenced (<see cref="IFencedLeaseStore"/>), a heartbeat renews the lease while
/// the publication is open, each step checks the lease was not lost, the publish confirms it with the store before it
/// writes the pointer, and the publish record is refused unless the lease is still this claim's epoch; once the lease
/// is lost, the publication stops with <see cref="LeaseLostException"/> and writes no state (the partition is the new
/// holder's).
/// On a store that defers durability (<see cref="IDefersDurability"/>, the local one) the staged files and the manifest
/// are flushed together with the new pointer's content right before the swap, not one by one as they are written.
/// Not thread-safe: one materialization is one sequence of steps.
/// </summary>
public sealed partial class Publication : IAsyncDisposable
{
    private readonly PartitionPublisher _publisher;
    private readonly PartitionState? _previousState;
    private readonly List<ManifestFile> _files = [];
    private Manifest? _manifest;
    private bool _finished;
    private bool _leaseReleased;
    private Instant _leaseRenewedAt;
    private bool _marked;
    private ObjectVersion? _markerVersion;
    private Instant _markerWrittenAt;
    private readonly LeaseClaim? _claim;
    private readonly LeaseHeartbeat? _heartbeat;
    private bool _leaseLostRecorded;

    // Staged files and the manifest are flushed together right before the swap, where the store allows it (DurabilityBatch).
    private readonly DurabilityBatch _durability = new();

    internal Publication(PartitionPublisher publisher, AssetPartition partition, RunId runId, MaterializationId id, PartitionPointer? previous, ObjectVersion? fencingToken, PartitionState? previousState, string? damagedPointer = null, LeaseClaim? claim = null)
    {
        DamagedPointer = damagedPointer;
        _publisher = publisher;
        Partition = partition;
        RunId = runId;
        LeaseHolder = runId;
        Id = id;
        Previous = previous;
        FencingToken = fencingToken;
        _previousState = previousState;
        _leaseRenewedAt = publisher.Clock.GetCurrentInstant();
        if (claim is not null && publisher.Metadata is IFencedLeaseStore fenced)
        {
            _claim = claim;
            _heartbeat = new LeaseHeartbeat(fenced, claim, publisher.Clock, publisher.Options.LeaseDuration, publisher.Options.EffectiveHeartbeat);
        }
    }

    /// <summary>The fenced lease this publication holds, with its epoch; <c>null</c> with a store whose leases are not fenced.</summary>
    public LeaseClaim? Lease => _claim;

    /// <summary>Whether the lease was found in another holder's hands: nothing more is written for this attempt.</summary>
    private bool LeaseLost => _heartbeat?.Lost == true;

    /// <summary>The partition.</summary>
    public AssetPartition Partition { get; }

    /// <summary>The run.</summary>
    public RunId RunId { get; }

    /// <summary>
    /// The identity the partition's lease is held under: the run, or one claim of a worker (see
    /// <see cref="PartitionPublisher.BeginAsync(AssetPartition, RunId, RunId, CancellationToken)"/>).
    /// </summary>
    public RunId LeaseHolder { get; internal init; }

    /// <summary>This materialization's id.</summary>
    public MaterializationId Id { get; }

    /// <summary>The pointer readers got when the partition was claimed; <c>null</c> when it was never published.</summary>
    public PartitionPointer? Previous { get; }

    /// <summary>The version of that pointer: the publish replaces it only if it is still this one.</summary>
    public ObjectVersion? FencingToken { get; }

    /// <summary>What the pointer held when it was claimed, when that was not a pointer at all: the publish replaces it.</summary>
    public string? DamagedPointer { get; }

    /// <summary>How many file and folder flushes wait for the swap (for tests).</summary>
    internal int PendingFlushes => _durability.PendingFlushes;

    /// <summary>The files staged so far.</summary>
    public IReadOnlyList<ManifestFile> StagedFiles => _files;

    /// <summary>Where the staged files are, for people (a quarantine's cause names it).</summary>
    public string StagedLocation => $"{_publisher.Store.Location}/{StorageLayout.DataPrefix(Partition, Id)}";

    private IObjectStore Store => _publisher.Store;

    private IMetadataStore Metadata => _publisher.Metadata;

    private Instant Now => _publisher.Clock.GetCurrentInstant();

    /// <summary>
    /// Step 3 failed: a blocking check failed on the staged data. Nothing is published; the staged files
    /// are kept for triage (until <c>gc</c>); the partition is quarantined with <paramref name="cause"/>
    /// and the check results, and the previous version (if any) is still what readers get.
    /// </summary>
    public async Task QuarantineAsync(string cause, IReadOnlyList<CheckRecord> checkResults, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cause);
        ArgumentNullException.ThrowIfNull(checkResults);
        EnsureOpen();
        var fullCause = $"{cause} Staged data kept for triage at {StagedLocation}";
        await ConfirmLeaseAsync(cancellationToken).ConfigureAwait(false);
        await ThrowIfLeaseLostAsync(cancellationToken).ConfigureAwait(false);

        // Kept for triage means kept whole, also after a power loss.
        await _durability.FlushAsync(cancellationToken).ConfigureAwait(false);
        await Metadata.RecordCheckResultsAsync(checkResults, cancellationToken).ConfigureAwait(false);
        await Metadata.SetStatesAsync([SettledState(PartitionStatus.Quarantined, fullCause)], cancellationToken).ConfigureAwait(false);
        await Metadata.AppendEventsAsync([new RunEvent(RunId, Now, RunEventKind.StepQuarantined, Partition, null, fullCause)], cancellationToken).ConfigureAwait(false);
        await FinishAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Step 4, manifest: writes the immutable manifest (create-if-absent) describing the staged files.
    /// The data version is a hash of the files' content and the schema, unless <paramref name="dataVersion"/>
    /// is given (an asset that writes elsewhere reports its own).
    /// </summary>
    public async Task<Manifest> WriteManifestAsync(
        string codeVersion,
        IReadOnlyList<UpstreamVersion> upstream,
        Interval? interval,
        string? schema,
        IReadOnlyDictionary<string, object?>? metadata = null,
        string? dataVersion = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(codeVersion);
        ArgumentNullException.ThrowIfNull(upstream);
        EnsureOpen();
        if (_manifest is not null)
        {
            throw new InvalidOperationException("The manifest is already written.");
        }

        await RenewLeaseAsync(cancellationToken).ConfigureAwait(false);
        await MarkInFlightAsync(cancellationToken).ConfigureAwait(false);
        var manifest = new Manifest
        {
            Partition = Partition,
            MaterializationId = Id,
            RunId = RunId,
            Files = _files.ToArray(),
            Schema = schema,
            DataVersion = dataVersion ?? ComputeDataVersion(_files, schema, metadata),
            CodeVersion = codeVersion,
            Upstream = upstream,
            Interval = interval,
            CreatedAt = Now,
            Metadata = new SortedDictionary<string, object?>(metadata?.ToDictionary() ?? [], StringComparer.Ordinal),
        };
        var key = StorageLayout.ManifestOf(Partition, Id);
        var created = await CreateManifestAsync(key, ManifestJson.WriteManifest(manifest), cancellationToken).ConfigureAwait(false);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException($"{key} already exists: materialization ids are never reused, so another writer is using this one.");
        }

        _manifest = manifest;
        return manifest;
    }

    /// <summary>
    /// Steps 5 and 6, publish and record: replaces the pointer with one naming this manifest if it is still
    /// the version read at claim time (throws <see cref="PublishConflictException"/> naming the other
    /// materialization otherwise, overwriting nothing), then records the publish in the metadata store and
    /// releases the lease. Returns the new pointer.
    /// </summary>
    public async Task<PartitionPointer> PublishAsync(CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        var manifest = _manifest ?? throw new InvalidOperationException("Write the manifest before publishing.");
        await RenewLeaseAsync(cancellationToken, confirm: true).ConfigureAwait(false);
        await MarkInFlightAsync(cancellationToken).ConfigureAwait(false);
        await EnsureStagedFilesExistAsync(cancellationToken).ConfigureAwait(false);
        var publishedAt = Now;
        var previousSequence = Previous?.Sequence ?? (DamagedPointer is null ? 0 : _previousState?.Sequence ?? 0);
        var pointer = new PartitionPointer(StorageLayout.ManifestOf(Partition, Id).Value, Id, manifest.DataVersion, previousSequence + 1, publishedAt);
        var key = StorageLayout.PointerOf(Partition);
        // A store that tracks its session (the embedded one) closes cleanly only once this write is recorded or known
        // not to have happened; its records below only queue in memory, so they are finished even after a Ctrl+C, which
        // keeps the index true to the pointer and the next open trusting it.
        var session = Metadata as IStoreSession;
        var recording = session is null ? cancellationToken : CancellationToken.None;
        await PointerWriteIntent.BeginAsync(session, Partition, Store is IDefersDurability ? _durability : null).ConfigureAwait(false);

        // Where the metadata store flushes before it commits (the embedded one), the swap is made durable by the group
        // commit that records it, with every other swap into its folder since the last one, instead of by a flush of its own.
        var swapFlushedByCommit = Store is IDefersDurability && Metadata is IFlushesBeforeCommit && _claim is null ? new DurabilityBatch() : null;
        WriteResult written;
        try
        {
            written = await ReplacePointerAsync(key, ManifestJson.WritePointer(pointer), swapFlushedByCommit, cancellationToken).ConfigureAwait(false);
        }
        catch when (session is not null)
        {
            // Cancelled or failed before or after the swap: only a pointer that names this materialization needs a record.
            if (!await PointerNamesThisMaterializationAsync().ConfigureAwait(false))
            {
                session.EndPointerWrite(Partition);
            }

            throw;
        }

        if (!written.Succeeded)
        {
            session?.EndPointerWrite(Partition);
            var (current, _) = await PublishedPartitions.ReadPointerAsync(Store, Partition, CancellationToken.None).ConfigureAwait(false);
            var conflict = new PublishConflictException(Partition, Id, current?.MaterializationId);
            await Metadata.AppendEventsAsync([new RunEvent(RunId, Now, RunEventKind.StepFailed, Partition, null, conflict.Message)], CancellationToken.None).ConfigureAwait(false);
            await FinishAsync().ConfigureAwait(false);
            throw conflict;
        }

        // From here the new version is what readers get. A crash before the records below loses
        // nothing: start-up reconciliation rebuilds them from the pointer. Handed over before the records are queued, so
        // the commit that holds them flushes the swap first (a power loss before it leaves the previous pointer, unrecorded
        // as this one).
        if (swapFlushedByCommit is not null)
        {
            ((IFlushesBeforeCommit)Metadata).FlushBeforeNextCommit(swapFlushedByCommit);
        }

        if (_claim is { } claim)
        {
            var fenced = (IFencedLeaseStore)Metadata;
            if (!await fenced.TryRecordFencedPublishAsync(claim, PublishRecorder.ToRecord(manifest, pointer), PublishRecorder.PublishedState(manifest, pointer, Now), cancellationToken).ConfigureAwait(false))
            {
                // The lease changed hands between the confirmation and the pointer write: the pointer (the truth) names
                // this materialization, but the new holder owns the partition's record; its own publish will meet a
                // changed pointer and report the conflict, and reconciliation indexes whichever pointer stands.
                _heartbeat!.MarkLost();
                await RecordLeaseLostAsync("its pointer was written just as the lease changed hands, and the record of the publish was refused").ConfigureAwait(false);
                await FinishAsync().ConfigureAwait(false);
                throw new LeaseLostException(Partition, claim.Epoch, pointerWritten: true);
            }
        }
        else
        {
            await PublishRecorder.RecordAsync(Metadata, manifest, pointer, Now, recording).ConfigureAwait(false);
        }

        if (DamagedPointer is not null)
        {
            await Metadata.AppendEventsAsync([new RunEvent(RunId, Now, RunEventKind.PointerReplaced, Partition, null, $"replaced a damaged pointer with materialization {Id}: {DamagedPointer}")], recording).ConfigureAwait(false);
        }

        await Metadata.AppendEventsAsync([new RunEvent(RunId, Now, RunEventKind.StepPublished, Partition, null, $"published materialization {Id} ({manifest.RowCount} rows, data version {manifest.DataVersion})")], recording).ConfigureAwait(false);
        await FinishAsync().ConfigureAwait(false);

        // Only now, once nothing can put the previous state back: had anything above failed, the store would close as
        // after a crash, and its next open find this pointer.
        session?.EndPointerWrite(Partition);
        return pointer;
    }

    /// <summary>Whether the pointer names this materialization now; <c>true</c> when that cannot be told (the cautious answer).</summary>
    private async Task<bool> PointerNamesThisMaterializationAsync()
    {
        try
        {
            var (current, _) = await PublishedPartitions.ReadPointerAsync(Store, Partition, CancellationToken.None).ConfigureAwait(false);
            return current?.MaterializationId == Id;
        }
#pragma warning disable CA1031 // Any failure to read means "cannot tell": the session then closes as after a crash.
        catch (Exception)
#pragma warning restore CA1031
        {
            return true;
        }
    }

    /// <summary>
    /// The materialization failed (the body threw, its output was invalid, a check could not run): the
    /// partition is marked failed with <paramref name="error"/>, the previous version (if any) is still what
    /// readers get, and the staged files stay for <c>gc</c>.
    /// </summary>
    public async Task FailAsync(string error, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(error);
        EnsureOpen();
        if (await StillHoldsLeaseAsync().ConfigureAwait(false))
        {
            await Metadata.SetStatesAsync([SettledState(PartitionStatus.Failed, error)], cancellationToken).ConfigureAwait(false);
        }

        await FinishAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Ends the publication without publishing because its source has not arrived: the partition is marked waiting
    /// with <paramref name="reason"/>; the previous version, if any, stays published. Staged files are dropped.
    /// </summary>
    public async Task WaitForSourceAsync(string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        EnsureOpen();
        if (await StillHoldsLeaseAsync().ConfigureAwait(false))
        {
            await Metadata.SetStatesAsync([SettledState(PartitionStatus.Waiting, reason)], cancellationToken).ConfigureAwait(false);
        }

        await FinishAsync().ConfigureAwait(false);
    }

    /// <summary>Releases the lease if the publication did not finish; the previous version stays published.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            // Abandoned (cancelled, or an error the caller did not record): put the status back the way it
            // was, so the partition does not look running forever; unless the lease was lost, and the status is the
            // new holder's.
            _finished = true;
            if (await StillHoldsLeaseAsync().ConfigureAwait(false))
            {
                var restored = _previousState ?? new PartitionState(Partition, PartitionStatus.Missing, null, null, null, null, null, null, Now);
                await Metadata.SetStatesAsync([restored with { UpdatedAt = Now }], CancellationToken.None).ConfigureAwait(false);
            }
        }

        await ReleaseLeaseAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Writes this materialization's staging marker before its first object, and rewrites it when it is getting old,
    /// so gc in any process sharing the root leaves its objects alone (<see cref="StagingMarkers"/>).
    /// </summary>
    private async Task MarkInFlightAsync(CancellationToken cancellationToken)
    {
        var now = Now;
        if (_marked && now - _markerWrittenAt < StagingMarkers.RefreshAfter)
        {
            return;
        }

        _markerVersion = await StagingMarkers.WriteAsync(Store, Partition, Id, RunId, now, _markerVersion, cancellationToken).ConfigureAwait(false);
        _marked = true;
        _markerWrittenAt = now;
    }

    /// <summary>The manifest, flushed with the staged files before the swap where the store allows it, else at once.</summary>
    private async Task<WriteResult> CreateManifestAsync(ObjectKey key, byte[] content, CancellationToken cancellationToken)
    {
        if (Store is IDefersDurability deferring)
        {
            return await deferring.CreateIfAbsentAsync(key, content, _durability, cancellationToken).ConfigureAwait(false);
        }

        using var stream = new MemoryStream(content, writable: false);
        return await Store.CreateIfAbsentAsync(key, stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The swap. What the pointer names reaches the disk before the pointer does, so after a power loss it names whole
    /// files; where the store allows it (the local store), the staged files, the manifest and the new pointer's content
    /// are flushed in one round before the swap rather than each on its own; and with <paramref name="swapFlushedLater"/>,
    /// the swap's own flush is left in it for the caller.
    /// </summary>
    private async Task<WriteResult> ReplacePointerAsync(ObjectKey key, byte[] content, DurabilityBatch? swapFlushedLater, CancellationToken cancellationToken)
    {
        if (Store is IDefersDurability deferring)
        {
            return await deferring.ReplaceIfMatchAsync(key, content, FencingToken, _durability, swapFlushedLater, cancellationToken).ConfigureAwait(false);
        }

        return await Store.ReplaceIfMatchAsync(key, content, FencingToken, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The last look before the swap: a publication stalled past its marker's lifetime may have had its files
    /// collected, and a pointer must never name a manifest whose files are gone.
    /// </summary>
    private async Task EnsureStagedFilesExistAsync(CancellationToken cancellationToken)
    {
        foreach (var file in _files)
        {
            var size = await Store.GetSizeAsync(ObjectKey.Parse(file.Path), cancellationToken).ConfigureAwait(false);
            if (size != file.Size)
            {
                throw new InvalidOperationException(
                    $"{Partition}: the staged file {file.Path} of materialization {Id} is {(size is null ? "gone" : $"{size} bytes, not {file.Size}")} "
                    + $"(removed by gc after this materialization stalled for more than {StagingMarkers.Lifetime.TotalMinutes:0} minutes, or by hand), so nothing was published. Run it again.");
            }
        }
    }

    /// <summary>
    /// The data version of staged files: a hash of the schema and each file's content hash and rows, in order
    /// (never of paths or ids, so the same rows give the same version); for an asset without files, a hash
    /// of its reported metadata.
    /// </summary>
    internal static string ComputeDataVersion(IReadOnlyList<ManifestFile> files, string? schema, IReadOnlyDictionary<string, object?>? metadata)
    {
        var text = new StringBuilder();
        text.Append("schema:").Append(schema ?? string.Empty).Append('\n');
        foreach (var file in files)
        {
            text.Append(file.Sha256).Append(' ').Append(file.Rows).Append('\n');
        }

        if (files.Count == 0 && metadata is not null)
        {
            foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                text.Append(key).Append('=').Append(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }

    private PartitionState SettledState(PartitionStatus status, string cause)
        => new(
            Partition,
            status,
            cause,
            Previous?.MaterializationId ?? _previousState?.MaterializationId,
            Previous?.DataVersion ?? _previousState?.DataVersion,
            _previousState?.CodeVersion,
            Previous?.Sequence ?? _previousState?.Sequence,
            Previous?.PublishedAt ?? _previousState?.PublishedAt,
            Now);

    private void EnsureOpen() => ObjectDisposedException.ThrowIf(_finished, this);
}

using Assets.Graph;
using Assets.Metadata;
using NodaTime;

namespace Assets.Storage.Tests.Publishing;

/// <summary>
/// A metadata store whose process "dies" when it is asked to record a materialization: protocol step 6
/// never happens, as after a crash between replacing the pointer and recording the publish. With
/// <paramref name="failAfterTakingLease"/>, taking a lease also fails after the inner store took it, as a
/// store that groups its writes does when the commit fails.
/// </summary>
public sealed class FailingRecordMetadataStore(IMetadataStore inner, bool failAfterTakingLease = false) : IMetadataStore
{
    public Task RecordMaterializationAsync(MaterializationRecord record, CancellationToken ct = default)
        => throw new IOException("the process died before recording the publish");

    public Task AppendEventsAsync(IReadOnlyList<RunEvent> events, CancellationToken ct = default) => inner.AppendEventsAsync(events, ct);

    public Task<IReadOnlyList<RunEvent>> GetEventsAsync(RunId? run = null, AssetPartition? partition = null, int limit = 1000, CancellationToken ct = default)
        => inner.GetEventsAsync(run, partition, limit, ct);

    public async Task<bool> TryAcquireLeaseAsync(AssetPartition partition, RunId holder, Instant now, Duration ttl, CancellationToken ct = default)
    {
        var taken = await inner.TryAcquireLeaseAsync(partition, holder, now, ttl, ct);
        return failAfterTakingLease ? throw new IOException("the commit of the lease failed") : taken;
    }

    public Task ReleaseLeaseAsync(AssetPartition partition, RunId holder, CancellationToken ct = default) => inner.ReleaseLeaseAsync(partition, holder, ct);

    public Task<PartitionLease?> GetLeaseAsync(AssetPartition partition, Instant now, CancellationToken ct = default) => inner.GetLeaseAsync(partition, now, ct);

    public Task<IReadOnlyList<MaterializationRecord>> GetMaterializationsAsync(AssetPartition partition, CancellationToken ct = default)
        => inner.GetMaterializationsAsync(partition, ct);

    public Task SetStatesAsync(IReadOnlyList<PartitionState> states, CancellationToken ct = default) => inner.SetStatesAsync(states, ct);

    public Task<PartitionState?> GetStateAsync(AssetPartition partition, CancellationToken ct = default) => inner.GetStateAsync(partition, ct);

    public Task<IReadOnlyList<PartitionState>> GetStatesAsync(IReadOnlyCollection<AssetKey>? assets = null, CancellationToken ct = default)
        => inner.GetStatesAsync(assets, ct);

    public Task RecordCheckResultsAsync(IReadOnlyList<CheckRecord> results, CancellationToken ct = default) => inner.RecordCheckResultsAsync(results, ct);

    public Task<IReadOnlyList<CheckRecord>> GetCheckResultsAsync(AssetPartition partition, CancellationToken ct = default) => inner.GetCheckResultsAsync(partition, ct);

    public Task ReplacePublishedStatesAsync(IReadOnlyList<PartitionState> published, CancellationToken ct = default) => inner.ReplacePublishedStatesAsync(published, ct);

    public Task<IReadOnlyDictionary<AssetPartition, IReadOnlyList<UpstreamVersion>>> GetRecordedUpstreamAsync(IReadOnlyCollection<AssetKey>? assets = null, CancellationToken ct = default)
        => inner.GetRecordedUpstreamAsync(assets, ct);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

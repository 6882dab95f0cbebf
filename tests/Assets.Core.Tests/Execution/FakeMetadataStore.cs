using Assets.Graph;
using Assets.Metadata;
using NodaTime;

namespace Assets.Core.Tests.Execution;

/// <summary>A metadata store for the executor's tests: it keeps the event log; the executor uses nothing else, so the rest throws.</summary>
public sealed class FakeMetadataStore : IMetadataStore
{
    private readonly Lock _lock = new();
    private readonly List<RunEvent> _events = [];

    public IReadOnlyList<RunEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    public IReadOnlyList<RunEvent> EventsOf(RunEventKind kind) => Events.Where(e => e.Kind == kind).ToList();

    public Task AppendEventsAsync(IReadOnlyList<RunEvent> events, CancellationToken ct = default)
    {
        lock (_lock)
        {
            _events.AddRange(events);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RunEvent>> GetEventsAsync(RunId? run = null, AssetPartition? partition = null, int limit = 1000, CancellationToken ct = default)
    {
        lock (_lock)
        {
            IReadOnlyList<RunEvent> result = _events
                .Where(e => (run is null || e.RunId == run) && (partition is null || e.Partition == partition))
                .Reverse()
                .Take(limit)
                .ToList();
            return Task.FromResult(result);
        }
    }

    public Task<bool> TryAcquireLeaseAsync(AssetPartition partition, RunId holder, Instant now, Duration ttl, CancellationToken ct = default) => throw Unused();

    public Task ReleaseLeaseAsync(AssetPartition partition, RunId holder, CancellationToken ct = default) => throw Unused();

    public Task RecordMaterializationAsync(MaterializationRecord record, CancellationToken ct = default) => throw Unused();

    public Task<IReadOnlyList<MaterializationRecord>> GetMaterializationsAsync(AssetPartition partition, CancellationToken ct = default) => throw Unused();

    public Task SetStatesAsync(IReadOnlyList<PartitionState> states, CancellationToken ct = default) => throw Unused();

    public Task<PartitionState?> GetStateAsync(AssetPartition partition, CancellationToken ct = default) => throw Unused();

    public Task<IReadOnlyList<PartitionState>> GetStatesAsync(IReadOnlyCollection<AssetKey>? assets = null, CancellationToken ct = default) => throw Unused();

    public Task RecordCheckResultsAsync(IReadOnlyList<CheckRecord> results, CancellationToken ct = default) => throw Unused();

    public Task<IReadOnlyList<CheckRecord>> GetCheckResultsAsync(AssetPartition partition, CancellationToken ct = default) => throw Unused();

    public Task ReplacePublishedStatesAsync(IReadOnlyList<PartitionState> published, CancellationToken ct = default) => throw Unused();

    public Task<IReadOnlyDictionary<AssetPartition, IReadOnlyList<UpstreamVersion>>> GetRecordedUpstreamAsync(IReadOnlyCollection<AssetKey>? assets = null, CancellationToken ct = default)
        => throw Unused();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static NotSupportedException Unused([System.Runtime.CompilerServices.CallerMemberName] string? member = null)
        => new($"The executor does not call IMetadataStore.{member}; leases and states belong to the materialization store.");
}

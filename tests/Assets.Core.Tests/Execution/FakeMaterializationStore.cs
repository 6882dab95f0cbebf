using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Assets.Graph;
using Assets.Metadata;
using NodaTime;

namespace Assets.Core.Tests.Execution;

/// <summary>What the fake store saw, in order.</summary>
public sealed record StoreCall(string Kind, AssetPartition Partition, MaterializationId? Id, string? Detail = null);

/// <summary>The arguments of one PublishAsync call.</summary>
public sealed record PublishCall(
    AssetPartition Partition,
    MaterializationId Id,
    string CodeVersion,
    IReadOnlyList<UpstreamVersion> Upstream,
    Interval? Interval,
    IReadOnlyDictionary<string, object?> Metadata,
    string? DataVersion,
    IReadOnlyList<CheckRecord> Checks,
    IReadOnlyList<object> Rows);

/// <summary>
/// An in-memory <see cref="IMaterializationStore"/>: published rows and data versions per partition, leases as a set,
/// a log of every call, and optional failure injection on BeginAsync.
/// </summary>
public sealed class FakeMaterializationStore : IMaterializationStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<AssetPartition, (IReadOnlyList<object> Rows, string DataVersion)> _published = [];
    private readonly HashSet<AssetPartition> _leases = [];
    private readonly List<StoreCall> _calls = [];
    private readonly List<PublishCall> _publishes = [];

    /// <summary>Called on every BeginAsync before the lease is taken; throw from it to inject a failure.</summary>
    public Action<AssetPartition>? OnBegin { get; set; }

    public IReadOnlyList<StoreCall> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    public IReadOnlyList<PublishCall> Publishes
    {
        get
        {
            lock (_lock)
            {
                return [.. _publishes];
            }
        }
    }

    public IReadOnlyCollection<AssetPartition> Leases
    {
        get
        {
            lock (_lock)
            {
                return [.. _leases];
            }
        }
    }

    public IReadOnlyList<StoreCall> CallsOf(AssetPartition partition) => Calls.Where(c => c.Partition == partition).ToList();

    /// <summary>Publishes rows directly, as a run before this one did.</summary>
    public void Seed(AssetPartition partition, IReadOnlyList<object> rows, string dataVersion)
    {
        lock (_lock)
        {
            _published[partition] = (rows, dataVersion);
        }
    }

    /// <summary>Another run holds the lease.</summary>
    public void HoldLease(AssetPartition partition)
    {
        lock (_lock)
        {
            _leases.Add(partition);
        }
    }

    public IReadOnlyList<object>? PublishedRows(AssetPartition partition)
    {
        lock (_lock)
        {
            return _published.TryGetValue(partition, out var published) ? published.Rows : null;
        }
    }

    public Task<IMaterialization> BeginAsync(AssetPartition partition, RunId run, CancellationToken cancellationToken = default)
        => BeginAsync(partition, run, run, cancellationToken);

    /// <summary>As a store that holds leases per claim: the Begin call's detail names the lease holder.</summary>
    public Task<IMaterialization> BeginAsync(AssetPartition partition, RunId run, RunId leaseHolder, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        OnBegin?.Invoke(partition);
        lock (_lock)
        {
            if (!_leases.Add(partition))
            {
                throw new InvalidOperationException($"{partition} is being materialized by another run right now (it holds the partition's lease).");
            }

            var id = MaterializationId.New();
            _calls.Add(new StoreCall("Begin", partition, id, leaseHolder.Value));
            return Task.FromResult<IMaterialization>(new Materialization(this, partition, id));
        }
    }

    public Task<string?> GetDataVersionAsync(AssetPartition partition, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_published.TryGetValue(partition, out var published) ? published.DataVersion : null);
        }
    }

    public async IAsyncEnumerable<object> ReadAsync(Type recordType, AssetPartition partition, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        IReadOnlyList<object> rows;
        lock (_lock)
        {
            rows = _published.TryGetValue(partition, out var published) ? published.Rows : [];
        }

        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Assert.IsType(recordType, row);
            await Task.Yield();
            yield return row;
        }
    }

    private void Record(StoreCall call)
    {
        lock (_lock)
        {
            _calls.Add(call);
        }
    }

    private sealed class Materialization(FakeMaterializationStore owner, AssetPartition partition, MaterializationId id) : IMaterialization
    {
        private readonly List<object> _staged = [];
        private bool _ended;
        private bool _disposed;

        public MaterializationId Id => id;

        public async Task<long> WriteRowsAsync(Type recordType, IAsyncEnumerable<object?> rows, CancellationToken cancellationToken = default)
        {
            long count = 0;
            await foreach (var row in rows.WithCancellation(cancellationToken))
            {
                Assert.IsType(recordType, row);
                _staged.Add(row!);
                count++;
            }

            owner.Record(new StoreCall("Write", partition, id, count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return count;
        }

        public async IAsyncEnumerable<object> ReadStagedAsync(Type recordType, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var row in _staged.ToList())
            {
                await Task.Yield();
                yield return row;
            }
        }

        public Task<string> PublishAsync(
            string codeVersion,
            IReadOnlyList<UpstreamVersion> upstream,
            Interval? interval,
            IReadOnlyDictionary<string, object?> metadata,
            string? dataVersion,
            IReadOnlyList<CheckRecord> checkResults,
            CancellationToken cancellationToken = default)
        {
            End();
            var version = dataVersion ?? "v:" + string.Join(",", _staged);
            lock (owner._lock)
            {
                owner._published[partition] = ([.. _staged], version);
                owner._publishes.Add(new PublishCall(partition, id, codeVersion, upstream, interval, metadata, dataVersion, checkResults, [.. _staged]));
                owner._calls.Add(new StoreCall("Publish", partition, id, version));
            }

            return Task.FromResult(version);
        }

        public Task QuarantineAsync(string cause, IReadOnlyList<CheckRecord> checkResults, CancellationToken cancellationToken = default)
        {
            End();
            owner.Record(new StoreCall("Quarantine", partition, id, cause));
            return Task.CompletedTask;
        }

        public Task FailAsync(string reason, CancellationToken cancellationToken = default)
        {
            End();
            owner.Record(new StoreCall("Fail", partition, id, reason));
            return Task.CompletedTask;
        }

        public Task WaitForSourceAsync(string reason, CancellationToken cancellationToken = default)
        {
            End();
            owner.Record(new StoreCall("Wait", partition, id, reason));
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return ValueTask.CompletedTask;
            }

            _disposed = true;
            owner.Record(new StoreCall(_ended ? "Dispose" : "Abandon", partition, id));
            lock (owner._lock)
            {
                owner._leases.Remove(partition);
            }

            return ValueTask.CompletedTask;
        }

        private void End()
        {
            Assert.False(_ended, "a materialization ends once: publish, quarantine or fail");
            Assert.False(_disposed, "a disposed materialization cannot end");
            _ended = true;
        }
    }
}

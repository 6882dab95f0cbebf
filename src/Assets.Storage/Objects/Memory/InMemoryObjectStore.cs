using System.Globalization;
using System.Runtime.CompilerServices;

using NodaTime;

namespace Assets.Storage.Objects.Memory;

/// <summary>
/// An object store in memory, for tests: exact conditional-write semantics, versions that increase
/// with every write (<c>1</c>, <c>2</c>, ... across all keys), thread-safe, with faults injected through
/// <see cref="Faults"/> and the whole content at hand through <see cref="Snapshot"/>.
/// <para>
/// Conditions: a create conflicts when the key exists; a replace conflicts when the current version is
/// not the expected one, including when a version is expected and the key is missing (S3's 404 on
/// <c>If-Match</c>) and when none is expected and the key exists. With <c>enforcesConditionalWrites: false</c>
/// the store ignores conditions and the last writer wins, as s3rver does; writes stay atomic.
/// </para>
/// </summary>
public sealed class InMemoryObjectStore : IObjectStore
{
    private const int ReadChunk = 81920;
    private static int s_instances;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _objects = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private long _lastVersion;

    /// <summary>Creates an empty store.</summary>
    /// <param name="enforcesConditionalWrites">Whether conditions hold (the default); <c>false</c> makes the last writer win, like s3rver.</param>
    /// <param name="timeProvider">The clock for <see cref="ObjectEntry.LastModified"/>; the system clock by default.</param>
    public InMemoryObjectStore(bool enforcesConditionalWrites = true, TimeProvider? timeProvider = null)
    {
        EnforcesConditionalWrites = enforcesConditionalWrites;
        _timeProvider = timeProvider ?? TimeProvider.System;
        Location = $"memory://{Interlocked.Increment(ref s_instances).ToString(CultureInfo.InvariantCulture)}";
    }

    /// <inheritdoc />
    public string Location { get; }

    /// <inheritdoc />
    public bool EnforcesConditionalWrites { get; }

    /// <summary>The faults to inject; none until a test arms some.</summary>
    public InMemoryObjectStoreFaults Faults { get; } = new();

    /// <summary>A copy of every object's content by key, in ordinal key order, for assertions.</summary>
    public IReadOnlyDictionary<string, byte[]> Snapshot()
    {
        lock (_gate)
        {
            var copy = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var (key, entry) in _objects)
            {
                copy.Add(key, entry.Content.ToArray());
            }

            return copy;
        }
    }

    /// <inheritdoc />
    public Task<StoredObject?> GetAsync(ObjectKey key, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (call, failAfter) = Faults.Begin(ObjectStoreOperation.Get, Checked(key));
        var entry = Find(key);
        ThrowIf(failAfter, call);
        return Task.FromResult(entry is null ? null : new StoredObject(key, entry.Content, entry.Version));
    }

    /// <inheritdoc />
    public Task<Stream?> OpenReadAsync(ObjectKey key, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (call, failAfter) = Faults.Begin(ObjectStoreOperation.OpenRead, Checked(key));
        var entry = Find(key);
        ThrowIf(failAfter, call);
        return Task.FromResult<Stream?>(entry is null ? null : new MemoryStream(entry.Content, writable: false));
    }

    /// <inheritdoc />
    public Task<long?> GetSizeAsync(ObjectKey key, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (call, failAfter) = Faults.Begin(ObjectStoreOperation.GetSize, Checked(key));
        var entry = Find(key);
        ThrowIf(failAfter, call);
        return Task.FromResult(entry is null ? null : (long?)entry.Content.Length);
    }

    /// <inheritdoc />
    public async Task<WriteResult> CreateIfAbsentAsync(ObjectKey key, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var (call, failAfter) = Faults.Begin(ObjectStoreOperation.CreateIfAbsent, Checked(key));
        var bytes = await ReadAllAsync(content, Faults.TakeByteLimit(key), cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        WriteResult result;
        lock (_gate)
        {
            result = EnforcesConditionalWrites && _objects.TryGetValue(key.Value, out var existing)
                ? new WriteResult(WriteOutcome.Conflict, existing.Version)
                : Put(key, bytes);
        }

        ThrowIf(failAfter, call);
        return result;
    }

    /// <inheritdoc />
    public Task<WriteResult> ReplaceIfMatchAsync(ObjectKey key, ReadOnlyMemory<byte> content, ObjectVersion? expected, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (call, failAfter) = Faults.Begin(ObjectStoreOperation.ReplaceIfMatch, Checked(key));
        if (Faults.TakeByteLimit(key) is { } limit)
        {
            throw new InjectedFaultException(
                $"Injected fault: the write of '{key}' failed after {Math.Min(limit, content.Length).ToString(CultureInfo.InvariantCulture)} bytes of content.");
        }

        WriteResult result;
        lock (_gate)
        {
            var current = _objects.TryGetValue(key.Value, out var existing) ? existing.Version : (ObjectVersion?)null;
            result = Faults.TakeConflict() || (EnforcesConditionalWrites && current != expected)
                ? new WriteResult(WriteOutcome.Conflict, current)
                : Put(key, content.ToArray());
        }

        ThrowIf(failAfter, call);
        return Task.FromResult(result);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(ObjectKey key, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (call, failAfter) = Faults.Begin(ObjectStoreOperation.Delete, Checked(key));
        bool removed;
        lock (_gate)
        {
            removed = _objects.Remove(key.Value);
        }

        ThrowIf(failAfter, call);
        return Task.FromResult(removed);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ObjectEntry> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        await Task.Yield();
        var (call, failAfter) = Faults.Begin(ObjectStoreOperation.List, prefix);
        List<ObjectEntry> entries;
        lock (_gate)
        {
            entries = _objects
                .Where(pair => pair.Key.StartsWith(prefix, StringComparison.Ordinal))
                .Select(pair => new ObjectEntry(ObjectKey.Parse(pair.Key), pair.Value.Content.Length, pair.Value.LastModified))
                .ToList();
        }

        ThrowIf(failAfter, call);
        entries.Sort((a, b) => string.CompareOrdinal(a.Key.Value, b.Key.Value));
        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return entry;
        }
    }

    private static string Checked(ObjectKey key)
        => key.Value ?? throw new ArgumentException("The object key is the default value; create keys with ObjectKey.Parse or ObjectKey.Join.", nameof(key));

    private static void ThrowIf(bool failAfterEffect, ObjectStoreCall call)
    {
        if (failAfterEffect)
        {
            InMemoryObjectStoreFaults.FailAfterEffect(call);
        }
    }

    /// <summary>Reads content to its end, or fails once <paramref name="limit"/> bytes were read.</summary>
    private static async Task<byte[]> ReadAllAsync(Stream content, long? limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[ReadChunk];
        while (true)
        {
            var wanted = limit is { } l ? (int)Math.Min(ReadChunk, l - buffer.Length) : ReadChunk;
            var read = wanted == 0 ? 0 : await content.ReadAsync(chunk.AsMemory(0, wanted), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (limit is not null)
                {
                    throw new InjectedFaultException(
                        $"Injected fault: the write failed after {buffer.Length.ToString(CultureInfo.InvariantCulture)} bytes of content.");
                }

                return buffer.ToArray();
            }

            buffer.Write(chunk, 0, read);
        }
    }

    private Entry? Find(ObjectKey key)
    {
        lock (_gate)
        {
            return _objects.GetValueOrDefault(key.Value);
        }
    }

    /// <summary>Stores content under a new version; the caller holds the gate.</summary>
    private WriteResult Put(ObjectKey key, byte[] content)
    {
        var version = new ObjectVersion((++_lastVersion).ToString(CultureInfo.InvariantCulture));
        _objects[key.Value] = new Entry(content, version, Instant.FromDateTimeOffset(_timeProvider.GetUtcNow()));
        return new WriteResult(WriteOutcome.Written, version);
    }

    private sealed record Entry(byte[] Content, ObjectVersion Version, Instant LastModified);
}

namespace Assets.Storage.Objects.Memory;

/// <summary>
/// Failures an <see cref="InMemoryObjectStore"/> injects on request, so tests can see what the publish
/// protocol does when a store fails: mid-upload, between two calls, after a write took effect but
/// before its response arrived, or under a storm of conflicts. Failures are
/// <see cref="InjectedFaultException"/>s (an <see cref="IOException"/>). Every call on the store is
/// numbered from 1 in the order calls start. Thread-safe.
/// </summary>
public sealed class InMemoryObjectStoreFaults
{
    private readonly Lock _gate = new();
    private readonly List<CallRule> _callRules = [];
    private readonly List<ByteRule> _byteRules = [];
    private int _calls;
    private int _conflicts;

    /// <summary>How many calls the store has started.</summary>
    public int CallCount
    {
        get
        {
            lock (_gate)
            {
                return _calls;
            }
        }
    }

    /// <summary>
    /// Makes the next write (<see cref="IObjectStore.CreateIfAbsentAsync"/> or <see cref="IObjectStore.ReplaceIfMatchAsync"/>,
    /// on <paramref name="key"/> when given) fail once <paramref name="bytes"/> bytes of its content have been read, as a
    /// connection dropping mid-upload would; content shorter than that fails at its end. Nothing becomes visible.
    /// </summary>
    /// <param name="bytes">How many bytes of content are read before the failure.</param>
    /// <param name="key">The key whose write fails; any key when <c>null</c>.</param>
    public void FailNextWriteAfterBytes(long bytes, ObjectKey? key = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        lock (_gate)
        {
            _byteRules.Add(new ByteRule(bytes, key));
        }
    }

    /// <summary>Makes call number <paramref name="number"/> fail, before or after it takes effect.</summary>
    /// <param name="number">The call's number, from 1.</param>
    /// <param name="timing">Whether the call's effect happens before it fails.</param>
    public void FailCall(int number, FaultTiming timing = FaultTiming.BeforeEffect)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        FailWhen(call => call.Number == number, timing, times: 1);
    }

    /// <summary>
    /// Makes every call from number <paramref name="number"/> on fail before it takes effect: the store (or the
    /// process using it) died between call <paramref name="number"/> - 1 and call <paramref name="number"/>.
    /// </summary>
    /// <param name="number">The first call that fails, from 1.</param>
    public void FailCallsFrom(int number)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        FailWhen(call => call.Number >= number);
    }

    /// <summary>Makes calls for which <paramref name="predicate"/> holds fail, at most <paramref name="times"/> of them.</summary>
    /// <param name="predicate">Which calls fail (by number, operation and key).</param>
    /// <param name="timing">Whether a call's effect happens before it fails.</param>
    /// <param name="times">How many matching calls fail; all of them by default.</param>
    public void FailWhen(Func<ObjectStoreCall, bool> predicate, FaultTiming timing = FaultTiming.BeforeEffect, int times = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        lock (_gate)
        {
            _callRules.Add(new CallRule(predicate, timing, times));
        }
    }

    /// <summary>
    /// Makes the next <paramref name="count"/> calls of <see cref="IObjectStore.ReplaceIfMatchAsync"/> write nothing and
    /// return a conflict with the current version, whatever the condition, as S3 does with 409 ConditionalRequestConflict
    /// when concurrent writes collide. The reported version may well equal the expected one.
    /// </summary>
    /// <param name="count">How many replaces conflict.</param>
    public void ConflictOnNextReplaces(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            _conflicts += count;
        }
    }

    /// <summary>Removes every fault not yet used (the call count goes on).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _callRules.Clear();
            _byteRules.Clear();
            _conflicts = 0;
        }
    }

    /// <summary>Numbers a call; throws when a fault strikes before its effect; says whether one strikes after it.</summary>
    internal (ObjectStoreCall Call, bool FailAfterEffect) Begin(ObjectStoreOperation operation, string key)
    {
        lock (_gate)
        {
            var call = new ObjectStoreCall(++_calls, operation, key);
            foreach (var rule in _callRules)
            {
                if (rule.Remaining > 0 && rule.Predicate(call))
                {
                    rule.Remaining--;
                    if (rule.Timing == FaultTiming.BeforeEffect)
                    {
                        throw new InjectedFaultException($"Injected fault: call {call.Number} ({operation} '{key}') failed before taking effect.");
                    }

                    return (call, true);
                }
            }

            return (call, false);
        }
    }

    /// <summary>Throws the failure of a call whose fault strikes after its effect.</summary>
    internal static void FailAfterEffect(ObjectStoreCall call)
        => throw new InjectedFaultException($"Injected fault: call {call.Number} ({call.Operation} '{call.Key}') took effect, then failed.");

    /// <summary>The byte limit for a write of <paramref name="key"/>, if one is armed (and now used).</summary>
    internal long? TakeByteLimit(ObjectKey key)
    {
        lock (_gate)
        {
            var index = _byteRules.FindIndex(rule => rule.Key is null || rule.Key == key);
            if (index < 0)
            {
                return null;
            }

            var limit = _byteRules[index].Bytes;
            _byteRules.RemoveAt(index);
            return limit;
        }
    }

    /// <summary>Whether this replace is one of a conflict storm (and uses it up).</summary>
    internal bool TakeConflict()
    {
        lock (_gate)
        {
            if (_conflicts == 0)
            {
                return false;
            }

            _conflicts--;
            return true;
        }
    }

    private sealed class CallRule(Func<ObjectStoreCall, bool> predicate, FaultTiming timing, int times)
    {
        public Func<ObjectStoreCall, bool> Predicate { get; } = predicate;

        public FaultTiming Timing { get; } = timing;

        public int Remaining { get; set; } = times;
    }

    private sealed record ByteRule(long Bytes, ObjectKey? Key);
}

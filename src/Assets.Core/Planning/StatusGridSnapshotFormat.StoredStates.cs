using Assets.Graph;
using Assets.Metadata;

namespace Assets.Planning;

internal static partial class StatusGridSnapshotFormat
{
    /// <summary>
    /// The stored states of one asset's rows in a decoded snapshot, made from the payload when a row is first asked for
    /// and kept (each row then answers the same instance). A new process that plans on an unchanged store asks for few
    /// of them: making all 730,000 up front was most of what decoding cost. Thread-safe: two threads asking at once may
    /// each make the state, and one of the equal states is kept.
    /// </summary>
    internal sealed class StoredStates : IStoredStates
    {
        private readonly ReadOnlyMemory<byte> _payload;
        private readonly IReadOnlyList<string> _shared;
        private readonly AssetKey _asset;
        private readonly PartitionSpace _space;

        /// <summary>Per row: where its stored state starts in the payload.</summary>
        private readonly int[] _positions;

        /// <summary>Per row: the time its state's first time is written as a difference from.</summary>
        private readonly long[] _lastTicks;

        /// <summary>Per row: which of a state's optional parts were written.</summary>
        private readonly byte[] _flags;

        private PartitionState?[]? _made;

        public StoredStates(ReadOnlyMemory<byte> payload, IReadOnlyList<string> shared, AssetKey asset, PartitionSpace space)
        {
            _payload = payload;
            _shared = shared;
            _asset = asset;
            _space = space;
            _positions = new int[space.Count];
            _lastTicks = new long[space.Count];
            _flags = new byte[space.Count];
        }

        /// <summary>Notes where row <paramref name="index"/>'s state was written.</summary>
        public void Mark(int index, byte flags, int position, long lastTicks)
        {
            _positions[index] = position;
            _lastTicks[index] = lastTicks;
            _flags[index] = flags;
        }

        /// <inheritdoc />
        public PartitionState Peek(int index) => Get(index);

        /// <inheritdoc />
        public bool HasDataVersion(int index) => Get(index).DataVersion is not null;

        /// <inheritdoc />
        public string? DataVersion(int index) => Get(index).DataVersion;

        /// <summary>The stored state of row <paramref name="index"/>, made on the first call.</summary>
        public PartitionState Get(int index)
        {
            var made = Volatile.Read(ref _made) ?? Interlocked.CompareExchange(ref _made, new PartitionState?[_positions.Length], null) ?? _made;
            if (Volatile.Read(ref made[index]) is { } state)
            {
                return state;
            }

            var read = ReadStored(_payload.Span, _shared, _positions[index], _lastTicks[index], _flags[index], new AssetPartition(_asset, _space.Keys[index]));
            return Interlocked.CompareExchange(ref made[index], read, null) ?? read;
        }
    }
}

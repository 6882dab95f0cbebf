using System.Buffers.Binary;
using System.Text;
using Assets.Graph;
using Assets.Metadata;
using NodaTime;

namespace Assets.Planning;

/// <summary>
/// The binary form of a <see cref="StatusGrid"/> that <see cref="StatusGridCache"/> keeps in an
/// <see cref="IStatusGridSnapshotStore"/>. Partition keys are not written: the reader takes them from the partition
/// spaces the snapshot's key vouches for (the same partitions exist), so a row costs its status, flags and stored
/// state. Causes and code versions repeat across rows and are written once each (later rows refer back to them);
/// materialization ids take their 16 bytes, and so do data versions of lower-case hex digits (the ones the publisher
/// computes: half their text); times are written as the difference from the time written before (partitions published
/// together differ by little, often nothing). Layout: magic, asset count, then per asset its key text, row count and rows.
/// </summary>
internal static partial class StatusGridSnapshotFormat
{
    private const int Magic = 0x32534741; // "AGS2", little-endian

    private static readonly System.Buffers.SearchValues<char> LowerHexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");

    private const byte AwaitsSource = 1;
    private const byte SourceChangedSince = 2;
    private const byte HasStored = 4;
    private const byte HasMaterialization = 8;
    private const byte HasPublishedAt = 16;
    private const byte HasSequence = 32;

    public static byte[] Write(StatusGrid grid)
    {
        var writer = new Writer(grid.Count * 48);
        writer.Int32(Magic);
        writer.VarUInt((ulong)grid.Assets.Count);
        foreach (var asset in grid.Assets)
        {
            var rows = grid.Find(asset)!.Rows;
            writer.Text(asset.Value);
            writer.VarUInt((ulong)rows.Length);
            foreach (var row in rows)
            {
                var stored = row.PeekStored();
                var flags = (byte)((row.AwaitsSource ? AwaitsSource : 0) | (row.SourceChangedSince ? SourceChangedSince : 0));
                if (stored is not null)
                {
                    flags |= HasStored;
                    flags |= stored.MaterializationId is null ? (byte)0 : HasMaterialization;
                    flags |= stored.PublishedAt is null ? (byte)0 : HasPublishedAt;
                    flags |= stored.Sequence is null ? (byte)0 : HasSequence;
                }

                writer.Byte((byte)row.Status);
                writer.Byte(flags);
                writer.Shared(row.Cause);
                if (stored is null)
                {
                    continue;
                }

                writer.Byte((byte)stored.Status);
                writer.Shared(stored.Cause);
                if (stored.MaterializationId is { } id)
                {
                    writer.Hex16(id.Value);
                }

                writer.Version(stored.DataVersion);
                writer.Shared(stored.CodeVersion);
                if (stored.Sequence is { } sequence)
                {
                    writer.VarInt(sequence);
                }

                if (stored.PublishedAt is { } publishedAt)
                {
                    writer.Ticks(publishedAt.ToUnixTimeTicks());
                }

                writer.Ticks(stored.UpdatedAt.ToUnixTimeTicks());
            }
        }

        return writer.ToArray();
    }

    /// <summary>
    /// The grid <paramref name="payload"/> holds, with the partitions of <paramref name="spaces"/> at <paramref name="asOf"/>;
    /// <c>null</c> when it does not fit <paramref name="graph"/> (other assets, another number of partitions, another format):
    /// then it is evaluated afresh, never guessed at. Every byte is checked here; the rows' stored states are made from
    /// <paramref name="payload"/> when first asked for (<see cref="StoredStates"/>), so the grid keeps it: it must not change.
    /// </summary>
    public static StatusGrid? TryRead(AssetGraph graph, PartitionSpace.Cache spaces, Instant asOf, ReadOnlyMemory<byte> payload)
    {
        var reader = new Reader(payload.Span);
        try
        {
            if (reader.Int32() != Magic || (int)reader.VarUInt() != graph.Assets.Count)
            {
                return null;
            }

            var byAsset = new Dictionary<AssetKey, AssetStatuses>(graph.Assets.Count);
            var order = new AssetKey[graph.Assets.Count];
            for (var a = 0; a < order.Length; a++)
            {
                var asset = graph.Assets[a];
                var space = spaces.Get(asset.Partitions);
                if (!string.Equals(reader.Text(), asset.Key.Value, StringComparison.Ordinal) || (int)reader.VarUInt() != space.Count)
                {
                    return null;
                }

                var rows = new StatusRows(asset.Key, space);
                var stored = new StoredStates(payload, reader.SharedTexts, asset.Key, space);
                for (var i = 0; i < rows.Length; i++)
                {
                    var status = Status(reader.Byte());
                    var flags = reader.Byte();
                    var cause = reader.Shared();
                    if ((flags & HasStored) == 0)
                    {
                        rows.Set(i, status, cause, null, -1, sourceChangedSince: (flags & SourceChangedSince) != 0, awaitsSource: (flags & AwaitsSource) != 0);
                        continue;
                    }

                    // Checked and passed over now, made when asked for: where it starts and the time its first difference is from.
                    stored.Mark(i, flags, reader.Position, reader.LastTicks);
                    SkipStored(ref reader, flags);
                    rows.Set(i, status, cause, stored, i, sourceChangedSince: (flags & SourceChangedSince) != 0, awaitsSource: (flags & AwaitsSource) != 0);
                }

                byAsset[asset.Key] = new AssetStatuses(asset, space, rows);
                order[a] = asset.Key;
            }

            return reader.AtEnd ? new StatusGrid(asOf, order, byAsset) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Passes over a stored state, checking what <see cref="ReadStored"/> will rely on (statuses, text references, lengths).</summary>
    private static void SkipStored(ref Reader reader, byte flags)
    {
        _ = Status(reader.Byte());
        _ = reader.Shared();
        if ((flags & HasMaterialization) != 0)
        {
            reader.Skip(16);
        }

        reader.SkipVersion();
        _ = reader.Shared();
        if ((flags & HasSequence) != 0)
        {
            _ = reader.VarInt();
        }

        if ((flags & HasPublishedAt) != 0)
        {
            _ = reader.Ticks();
        }

        _ = reader.Ticks();
    }

    /// <summary>The stored state <see cref="SkipStored"/> passed over at <paramref name="position"/>, its times differences from <paramref name="lastTicks"/>.</summary>
    private static PartitionState ReadStored(ReadOnlySpan<byte> payload, IReadOnlyList<string> shared, int position, long lastTicks, byte flags, AssetPartition partition)
    {
        var reader = new Reader(payload, shared, position, lastTicks);
        var storedStatus = Status(reader.Byte());
        var storedCause = reader.Shared();
        MaterializationId? id = (flags & HasMaterialization) != 0 ? MaterializationId.FromCanonical(reader.Hex16()) : null;
        var dataVersion = reader.Version();
        var codeVersion = reader.Shared();
        long? sequence = (flags & HasSequence) != 0 ? reader.VarInt() : null;
        Instant? publishedAt = (flags & HasPublishedAt) != 0 ? Instant.FromUnixTimeTicks(reader.Ticks()) : null;
        var updatedAt = Instant.FromUnixTimeTicks(reader.Ticks());
        return new PartitionState(partition, storedStatus, storedCause, id, dataVersion, codeVersion, sequence, publishedAt, updatedAt);
    }

    private static PartitionStatus Status(byte value)
        => Enum.IsDefined((PartitionStatus)value) ? (PartitionStatus)value : throw new FormatException($"Unknown status {value}.");

    /// <summary>Appends values to a growing buffer.</summary>
    private sealed class Writer(int capacity)
    {
        private readonly Dictionary<string, int> _shared = new(StringComparer.Ordinal);
        private byte[] _buffer = new byte[Math.Max(capacity, 256)];
        private int _length;
        private long _lastTicks;

        public void Byte(byte value)
        {
            Ensure(1);
            _buffer[_length++] = value;
        }

        public void Int32(int value)
        {
            Ensure(4);
            BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_length), value);
            _length += 4;
        }

        public void VarUInt(ulong value)
        {
            Ensure(10);
            while (value >= 0x80)
            {
                _buffer[_length++] = (byte)(value | 0x80);
                value >>= 7;
            }

            _buffer[_length++] = (byte)value;
        }

        /// <summary>Zig-zag: small negative numbers stay short too.</summary>
        public void VarInt(long value) => VarUInt((ulong)((value << 1) ^ (value >> 63)));

        /// <summary>Length + 1 (0 for <c>null</c>), then UTF-8.</summary>
        public void Text(string? value)
        {
            if (value is null)
            {
                VarUInt(0);
                return;
            }

            var bytes = Encoding.UTF8.GetByteCount(value);
            VarUInt((ulong)bytes + 1);
            Ensure(bytes);
            _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
        }

        /// <summary>A time in ticks, as the difference from the time written before.</summary>
        public void Ticks(long ticks)
        {
            VarInt(ticks - _lastTicks);
            _lastTicks = ticks;
        }

        /// <summary>0 for <c>null</c>; 1, the byte count and the bytes for an even number of lower-case hex digits; else the UTF-8 byte count + 2 and the text.</summary>
        public void Version(string? value)
        {
            if (value is null)
            {
                VarUInt(0);
                return;
            }

            if (value.Length > 0 && value.Length % 2 == 0 && !value.AsSpan().ContainsAnyExcept(LowerHexDigits))
            {
                VarUInt(1);
                VarUInt((ulong)value.Length / 2);
                Ensure(value.Length / 2);
                Convert.FromHexString(value, _buffer.AsSpan(_length, value.Length / 2), out _, out var written);
                _length += written;
                return;
            }

            var bytes = Encoding.UTF8.GetByteCount(value);
            VarUInt((ulong)bytes + 2);
            Ensure(bytes);
            _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
        }

        /// <summary>0 for <c>null</c>, 1 and the text for a first occurrence, n + 2 for the n-th distinct text written before.</summary>
        public void Shared(string? value)
        {
            if (value is null)
            {
                VarUInt(0);
            }
            else if (_shared.TryGetValue(value, out var index))
            {
                VarUInt((ulong)index + 2);
            }
            else
            {
                _shared.Add(value, _shared.Count);
                VarUInt(1);
                Text(value);
            }
        }

        /// <summary>32 lower-case hex digits as their 16 bytes.</summary>
        public void Hex16(string hex)
        {
            Ensure(16);
            Convert.FromHexString(hex, _buffer.AsSpan(_length, 16), out _, out var written);
            _length += written == 16 ? 16 : throw new ArgumentException($"'{hex}' is not 32 hex digits.", nameof(hex));
        }

        public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

        private void Ensure(int more)
        {
            if (_length + more > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
            }
        }
    }

    /// <summary>Reads what <see cref="Writer"/> wrote; a truncated or malformed payload throws <see cref="FormatException"/>.</summary>
    private ref struct Reader
    {
        private readonly ReadOnlySpan<byte> _payload;
        private readonly List<string> _shared;

        /// <summary>Whether this reader reads a stored state again after the whole payload was read: its shared texts are all known.</summary>
        private readonly bool _again;
        private int _position;
        private long _lastTicks;

        /// <summary>A reader of the whole payload from its start.</summary>
        public Reader(ReadOnlySpan<byte> payload)
        {
            _payload = payload;
            _shared = [];
        }

        /// <summary>A reader of a part read before, from <paramref name="position"/>, with the shared texts of the whole payload.</summary>
        public Reader(ReadOnlySpan<byte> payload, IReadOnlyList<string> shared, int position, long lastTicks)
        {
            _payload = payload;
            _shared = (List<string>)shared;
            _again = true;
            _position = position;
            _lastTicks = lastTicks;
        }

        public readonly bool AtEnd => _position == _payload.Length;

        public readonly int Position => _position;

        public readonly long LastTicks => _lastTicks;

        /// <summary>The shared texts read so far (all of them once the payload is read); the list grows as the reader reads.</summary>
        public readonly IReadOnlyList<string> SharedTexts => _shared;

        public void Skip(int count) => Take(count);

        public byte Byte() => _position < _payload.Length ? _payload[_position++] : throw Truncated();

        public int Int32()
        {
            var value = BinaryPrimitives.ReadInt32LittleEndian(Take(4));
            return value;
        }

        public ulong VarUInt()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var next = Byte();
                value |= (ulong)(next & 0x7F) << shift;
                if (next < 0x80)
                {
                    return value;
                }
            }

            throw new FormatException("A number in the status grid snapshot is too long.");
        }

        public long VarInt()
        {
            var value = VarUInt();
            return (long)(value >> 1) ^ -(long)(value & 1);
        }

        public string? Text()
        {
            var length = VarUInt();
            return length == 0 ? null : Encoding.UTF8.GetString(Take(checked((int)(length - 1))));
        }

        public long Ticks()
        {
            _lastTicks += VarInt();
            return _lastTicks;
        }

        public string? Version()
        {
            var tag = VarUInt();
            switch (tag)
            {
                case 0:
                    return null;
                case 1:
                    return Convert.ToHexStringLower(Take(checked((int)VarUInt())));
                default:
                    return Encoding.UTF8.GetString(Take(checked((int)(tag - 2))));
            }
        }

        public void SkipVersion()
        {
            var tag = VarUInt();
            if (tag != 0)
            {
                Skip(checked((int)(tag == 1 ? VarUInt() : tag - 2)));
            }
        }

        public string? Shared()
        {
            var reference = VarUInt();
            switch (reference)
            {
                case 0:
                    return null;
                case 1:
                    var text = Text() ?? throw new FormatException("A shared text in the status grid snapshot is null.");
                    if (!_again)
                    {
                        _shared.Add(text);
                    }

                    return text;
                default:
                    var index = reference - 2;
                    return index < (ulong)_shared.Count ? _shared[(int)index] : throw new FormatException("A shared text reference in the status grid snapshot points nowhere.");
            }
        }

        public string Hex16() => Convert.ToHexStringLower(Take(16));

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count < 0 || _position + count > _payload.Length)
            {
                throw Truncated();
            }

            var span = _payload.Slice(_position, count);
            _position += count;
            return span;
        }

        private static FormatException Truncated() => new("The status grid snapshot ends early.");
    }
}

using Assets.Metadata;
using Assets.Planning;

namespace Assets.Storage.Metadata;

public sealed partial class DuckDbMetadataStore
{
    /// <summary>
    /// The recorded reads grouped by the row id of the state that read them, each group in recorded order: made on the
    /// join's thread before the states are in, and laid out by state index in one pass once they are, when the states
    /// came in row id order (DuckDB scans a table that way). Otherwise <see cref="GroupByState"/> groups them afterwards.
    /// </summary>
    private sealed class ReadsByReaderRowId
    {
        private readonly long _firstRowId;

        /// <summary>The entries of reader row id <c>_firstRowId + i</c> are <c>_start[i]</c> to <c>_start[i + 1] - 1</c>.</summary>
        private readonly int[] _start;

        private readonly long[] _upstreamRowIdOfEntry;
        private readonly Dictionary<int, RecordedRead> _differing;

        private ReadsByReaderRowId(long firstRowId, int[] start, long[] upstreamRowIdOfEntry, Dictionary<int, RecordedRead> differing)
        {
            _firstRowId = firstRowId;
            _start = start;
            _upstreamRowIdOfEntry = upstreamRowIdOfEntry;
            _differing = differing;
        }

        /// <summary>The reads grouped by reader row id, or <c>null</c> when their row ids are too sparse for a counting sort.</summary>
        public static ReadsByReaderRowId? Group(RecordedReads recorded)
        {
            var readers = recorded.ReaderRowIds;
            var count = readers.Count;
            if (count == 0)
            {
                return null;
            }

            var (first, last) = (readers[0], readers[0]);
            foreach (var rowId in readers)
            {
                (first, last) = (Math.Min(first, rowId), Math.Max(last, rowId));
            }

            if (last - first >= 4L * count + 65_536)
            {
                return null;
            }

            var span = (int)(last - first + 1);
            var start = new int[span + 1];
            foreach (var rowId in readers)
            {
                start[rowId - first + 1]++;
            }

            for (var i = 0; i < span; i++)
            {
                start[i + 1] += start[i];
            }

            var next = start[..^1];
            var rowOfEntry = new int[count];
            var ordinalOfEntry = new int[count];
            for (var row = 0; row < count; row++)
            {
                var entry = next[readers[row] - first]++;
                rowOfEntry[entry] = row;
                ordinalOfEntry[entry] = recorded.Ordinals[row];
            }

            for (var i = 0; i < span; i++)
            {
                var (groupStart, length) = (start[i], start[i + 1] - start[i]);
                if (length > 1 && !IsAscending(ordinalOfEntry.AsSpan(groupStart, length)))
                {
                    ordinalOfEntry.AsSpan(groupStart, length).Sort(rowOfEntry.AsSpan(groupStart, length));
                }
            }

            var upstreamRowIdOfEntry = new long[count];
            var differing = new Dictionary<int, RecordedRead>(recorded.Differing.Count);
            var rowDiffers = new bool[count];
            foreach (var row in recorded.Differing.Keys)
            {
                rowDiffers[row] = true;
            }

            for (var entry = 0; entry < count; entry++)
            {
                var row = rowOfEntry[entry];
                upstreamRowIdOfEntry[entry] = recorded.UpstreamRowIds[row];
                if (rowDiffers[row])
                {
                    differing.Add(entry, recorded.Differing[row]);
                }
            }

            return new ReadsByReaderRowId(first, start, upstreamRowIdOfEntry, differing);
        }

        /// <summary>
        /// The inputs with reads grouped by state index, or <c>null</c> when the states did not come in ascending row id
        /// order, or a read names a reader that is not among them (which the join cannot return, but an entry must never
        /// be given to another state).
        /// </summary>
        public StatusInputs? InStateOrder(PartitionState[] states, long[] rowIds, RowIndex indexOfRow)
        {
            var total = _upstreamRowIdOfEntry.Length;
            var span = _start.Length - 1;
            var readStart = new int[states.Length + 1];
            var assigned = 0L;
            for (var k = 0; k < rowIds.Length; k++)
            {
                if (k > 0 && rowIds[k] <= rowIds[k - 1])
                {
                    return null;
                }

                var offset = rowIds[k] - _firstRowId;
                readStart[k] = offset < 0 ? 0 : offset >= span ? total : _start[offset];
                if (offset >= 0 && offset < span)
                {
                    assigned += _start[offset + 1] - _start[offset];
                }
            }

            readStart[states.Length] = total;
            if (assigned != total)
            {
                return null;
            }

            var upstreamOfEntry = new int[total];
            for (var entry = 0; entry < total; entry++)
            {
                var upstreamRowId = _upstreamRowIdOfEntry[entry];
                upstreamOfEntry[entry] = upstreamRowId < 0 ? -1 : indexOfRow[upstreamRowId];
            }

            return new StatusInputs(states, readStart, upstreamOfEntry, _differing);
        }
    }
}

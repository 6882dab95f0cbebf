using System.Text;
using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using Assets.Planning;
using DuckDB.NET.Data;

namespace Assets.Storage.Metadata;

public sealed partial class DuckDbMetadataStore : IStatusInputStore
{
    /// <inheritdoc />
    /// <remarks>
    /// Two queries under the store's lock, after the pending index writes are committed, run at once on two connections.
    /// The states come unsorted, with their row ids; the recorded upstream versions are joined in DuckDB with the states that read them and with the
    /// upstream partitions' current states, so a read travels as three numbers (the reader's row id, its ordinal, the
    /// upstream's row id), and a version or key text only where the recorded version is not the current one or the
    /// upstream has no state. Decoding 1.75 million version and key texts into objects was most of a cold plan of
    /// 730,000 partitions. The join runs on <see cref="MetadataStoreOptions.Threads"/> like every other statement: on the
    /// shared two-core machine it was measured on, running it on both cores made the whole read slower, not faster.
    /// </remarks>
    Task<StatusInputs> IStatusInputStore.GetStatusInputsAsync(Action<StoredStateColumns>? statesRead, CancellationToken ct)
        => RunAsync(connection => ReadStatusInputs(connection, statesRead), ct);

    private static StatusInputs ReadStatusInputs(DuckDBConnection connection, Action<StoredStateColumns>? statesRead)
    {
        // The join is DuckDB's work and the states are mostly .NET's (an object per row): they run at once, the join on a
        // second connection to the same database. Nothing writes in between: the caller holds the store's lock, and no
        // other process can open the file while this one has it.
        // The join's thread also groups the reads by the reader's row id: it finishes before the states do, and the grouping
        // was most of what was left to do after both (60-100 ms for 1.72 million reads).
        (RecordedReads Reads, ReadsByReaderRowId? Grouped) recorded;
        (StoredStateColumns States, long[] RowIds) stored;
        using (var joining = SecondConnection(connection))
        {
            var join = Task.Factory.StartNew(
                () =>
                {
                    var reads = ReadRecordedReads(joining);
                    return (reads, ReadsByReaderRowId.Group(reads));
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
            try
            {
                stored = ReadStatesByRowId(connection);

                // The join is still running (it takes longer than the states): work that needs only the states runs now.
                statesRead?.Invoke(stored.States);
            }
            finally
            {
                // Never leave the second connection's query running behind a failed read.
                ((IAsyncResult)join).AsyncWaitHandle.WaitOne();
            }

            recorded = join.GetAwaiter().GetResult();
        }

        var (states, rowIds) = stored;
        var indexOfRow = new RowIndex(rowIds);
        return recorded.Grouped?.InStateOrder(states, rowIds, indexOfRow) ?? GroupByState(states, indexOfRow, recorded.Reads);
    }

    /// <summary>The reads grouped by the index of the state that read them, each group in recorded order.</summary>
    private static StatusInputs GroupByState(StoredStateColumns states, RowIndex indexOfRow, RecordedReads recorded)
    {
        var count = recorded.ReaderRowIds.Count;
        var readerOfRow = new int[count];
        var upstreamOfRow = new int[count];
        for (var row = 0; row < count; row++)
        {
            readerOfRow[row] = indexOfRow[recorded.ReaderRowIds[row]];
            var upstreamRowId = recorded.UpstreamRowIds[row];
            upstreamOfRow[row] = upstreamRowId < 0 ? -1 : indexOfRow[upstreamRowId];
        }

        var ordinalOfRow = recorded.Ordinals;
        var differingByRow = recorded.Differing;

        // Grouped by reader (a counting sort over the state indexes), each group in recorded order.
        var readStart = new int[states.Count + 1];
        foreach (var state in readerOfRow)
        {
            readStart[state + 1]++;
        }

        for (var k = 0; k < states.Count; k++)
        {
            readStart[k + 1] += readStart[k];
        }

        var next = readStart[..^1];
        var rowOfEntry = new int[count];
        var ordinalOfEntry = new int[count];
        for (var row = 0; row < count; row++)
        {
            var entry = next[readerOfRow[row]]++;
            rowOfEntry[entry] = row;
            ordinalOfEntry[entry] = ordinalOfRow[row];
        }

        for (var k = 0; k < states.Count; k++)
        {
            var (start, length) = (readStart[k], readStart[k + 1] - readStart[k]);
            if (length > 1 && !IsAscending(ordinalOfEntry.AsSpan(start, length)))
            {
                ordinalOfEntry.AsSpan(start, length).Sort(rowOfEntry.AsSpan(start, length));
            }
        }

        // Few reads differ (a plan after one change: tens of thousands of 1.75 million): a flag per row instead of a lookup.
        var upstreamOfEntry = new int[rowOfEntry.Length];
        var differing = new Dictionary<int, RecordedRead>(differingByRow.Count);
        var rowDiffers = new bool[count];
        foreach (var row in differingByRow.Keys)
        {
            rowDiffers[row] = true;
        }

        for (var entry = 0; entry < rowOfEntry.Length; entry++)
        {
            var row = rowOfEntry[entry];
            upstreamOfEntry[entry] = upstreamOfRow[row];
            if (rowDiffers[row])
            {
                differing.Add(entry, differingByRow[row]);
            }
        }

        return new StatusInputs(states, readStart, upstreamOfEntry, differing);
    }

    /// <summary>
    /// Another connection to the database of <paramref name="connection"/>: DuckDB.NET shares an open file between the
    /// connections of one process, and an in-memory database only with a duplicate.
    /// </summary>
    private static DuckDBConnection SecondConnection(DuckDBConnection connection)
    {
        var second = connection.DataSource == InMemory ? connection.Duplicate() : new DuckDBConnection(connection.ConnectionString);
        try
        {
            if (second.State != System.Data.ConnectionState.Open)
            {
                second.Open();
            }

            return second;
        }
        catch
        {
            second.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Every recorded read of every state's materialization, joined in DuckDB with the state that read it (on the id's
    /// 16-byte key: joining 1.75 million reads on the 32-character text was a third of this query's CPU) and with the
    /// upstream partition's current state: per read the reader's row id, its ordinal and the upstream's row id (-1 when it
    /// has no state), and the recorded version (with the partition, when it has no state) only where it differs.
    /// </summary>
    private static RecordedReads ReadRecordedReads(DuckDBConnection connection)
    {
        var recorded = new RecordedReads();
        using var chunks = new StreamedChunks(
            connection,
            """
            SELECT s.rowid, u.ordinal, c.rowid,
                CASE WHEN c.data_version IS DISTINCT FROM u.data_version THEN u.data_version END,
                CASE WHEN c.rowid IS NULL THEN u.asset END,
                CASE WHEN c.rowid IS NULL THEN u.partition END
            FROM partition_states s
                JOIN materialization_upstream u ON u.materialization_key = s.materialization_key
                LEFT JOIN partition_states c ON c.asset = u.asset AND c.partition = u.partition
            """);
        var keys = new Utf8TextCache<AssetKey>(AssetKey.Parse);
        while (chunks.Next())
        {
            var (readerRowId, ordinal, upstreamRowId, version, asset, partition) =
                (chunks.Column(0), chunks.Column(1), chunks.Column(2), chunks.Column(3), chunks.Column(4), chunks.Column(5));
            for (var i = 0; i < chunks.Size; i++)
            {
                var row = recorded.ReaderRowIds.Count;
                recorded.ReaderRowIds.Add(readerRowId.Int64(i));
                recorded.Ordinals.Add(ordinal.Int32(i));
                var hasState = !upstreamRowId.IsNull(i);
                recorded.UpstreamRowIds.Add(hasState ? upstreamRowId.Int64(i) : -1);
                if (!version.IsNull(i))
                {
                    AssetPartition? read = hasState
                        ? null
                        : new AssetPartition(keys.Get(asset.Utf8(i)), StoredForm.Partition(Encoding.UTF8.GetString(partition.Utf8(i))));
                    recorded.Differing.Add(row, new RecordedRead(read, Encoding.UTF8.GetString(version.Utf8(i))));
                }
            }
        }

        return recorded;
    }

    /// <summary>The recorded reads as <see cref="ReadRecordedReads"/> returns them, in the join's order, by row ids.</summary>
    private sealed class RecordedReads
    {
        public List<long> ReaderRowIds { get; } = [];

        public List<int> Ordinals { get; } = [];

        /// <summary>-1 where the upstream has no state (row ids are never negative).</summary>
        public List<long> UpstreamRowIds { get; } = [];

        public Dictionary<int, RecordedRead> Differing { get; } = [];
    }

    private static bool IsAscending(ReadOnlySpan<int> values)
    {
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] < values[i - 1])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Every state in the table's own order with its row id: no sort, no join. Values are read in place from DuckDB's
    /// vectors into columns (<see cref="StoredStateColumns"/>): asset keys, partition keys, code versions and causes are
    /// made once per distinct text and shared between the rows that repeat them, and the id and data version, distinct per
    /// row, are kept as their UTF-8 bytes, so a row allocates no object of its own; a state object is made only for a row
    /// a caller asks for. Making one per row, with its id and version strings, was about 215 MB that all survived, and
    /// the collections during the read copied it (130-340 ms of pauses in a cold read of 730,000 states).
    /// </summary>
    private static (StoredStateColumns States, long[] RowIds) ReadStatesByRowId(DuckDBConnection connection)
    {
        // Sized up front (nothing writes in between: the caller holds the store's lock): growing arrays of 730,000 rows
        // allocated and copied twice what they hold, on the large object heap, whose growth sets off full collections.
        var capacity = (int)CountStates(connection);
        var states = new StoredStateColumns(capacity);
        var rowIds = new long[capacity];
        using var chunks = new StreamedChunks(connection, $"SELECT rowid, {StateColumns} FROM partition_states");
        var assets = new Utf8TextCache<AssetKey>(AssetKey.Parse);
        var partitions = new Utf8TextCache<PartitionKey?>(StoredForm.Partition);
        var codeVersions = new Utf8TextCache<string>(static text => text);
        var causes = new Utf8TextCache<string>(static text => text);
        while (chunks.Next())
        {
            var (rowId, asset, partition, status, cause, id) = (chunks.Column(0), chunks.Column(1), chunks.Column(2), chunks.Column(3), chunks.Column(4), chunks.Column(5));
            var (dataVersion, codeVersion, sequence, publishedAt, updatedAt) = (chunks.Column(6), chunks.Column(7), chunks.Column(8), chunks.Column(9), chunks.Column(10));
            if (states.Count + chunks.Size > rowIds.Length)
            {
                Array.Resize(ref rowIds, Math.Max(2 * rowIds.Length, states.Count + chunks.Size));
            }

            for (var row = 0; row < chunks.Size; row++)
            {
                rowIds[states.Count] = rowId.Int64(row);
                var (hasId, hasDataVersion) = (!id.IsNull(row), !dataVersion.IsNull(row));
                states.Add(
                    new AssetPartition(assets.Get(asset.Utf8(row)), partitions.Get(partition.Utf8(row))),
                    StoredForm.Status(status.Byte(row)),
                    cause.IsNull(row) ? null : causes.Get(cause.Utf8(row)),
                    hasId ? id.Utf8(row) : default,
                    hasId,
                    hasDataVersion ? dataVersion.Utf8(row) : default,
                    hasDataVersion,
                    codeVersion.IsNull(row) ? null : codeVersions.Get(codeVersion.Utf8(row)),
                    sequence.IsNull(row) ? null : sequence.Int64(row),
                    publishedAt.IsNull(row) ? null : StoredForm.Instant(publishedAt.Int64(row)),
                    StoredForm.Instant(updatedAt.Int64(row)));
            }
        }

        return (states, states.Count == rowIds.Length ? rowIds : rowIds[..states.Count]);
    }

    private static long CountStates(DuckDBConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM partition_states";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A state's index by its row id: an array when the ids are dense (as DuckDB assigns them), else a dictionary.</summary>
    private sealed class RowIndex
    {
        private readonly int[]? _dense;
        private readonly Dictionary<long, int>? _sparse;

        public RowIndex(long[] rowIds)
        {
            var max = rowIds.Length == 0 ? -1 : rowIds.Max();
            if (rowIds.Length > 0 && (rowIds.Min() < 0 || max >= 4L * rowIds.Length + 1024))
            {
                _sparse = new Dictionary<long, int>(rowIds.Length);
                for (var i = 0; i < rowIds.Length; i++)
                {
                    _sparse[rowIds[i]] = i;
                }

                return;
            }

            _dense = new int[max + 1];
            for (var i = 0; i < rowIds.Length; i++)
            {
                _dense[rowIds[i]] = i;
            }
        }

        public int this[long rowId] => _dense is not null ? _dense[rowId] : _sparse![rowId];
    }
}

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
    /// Two queries under the store's lock, after the pending index writes are committed. The states come unsorted, with
    /// their row ids; the recorded upstream versions are joined in DuckDB with the states that read them and with the
    /// upstream partitions' current states, so a read travels as three numbers (the reader's row id, its ordinal, the
    /// upstream's row id), and a version or key text only where the recorded version is not the current one or the
    /// upstream has no state. Decoding 1.75 million version and key texts into objects was most of a cold plan of
    /// 730,000 partitions. The join runs on <see cref="MetadataStoreOptions.Threads"/> like every other statement: on the
    /// shared two-core machine it was measured on, running it on both cores made the whole read slower, not faster.
    /// </remarks>
    Task<StatusInputs> IStatusInputStore.GetStatusInputsAsync(CancellationToken ct)
        => RunAsync(ReadStatusInputs, ct);

    private static StatusInputs ReadStatusInputs(DuckDBConnection connection)
    {
        var (states, rowIds) = ReadStatesByRowId(connection);
        var indexOfRow = new RowIndex(rowIds);

        var readerOfRow = new List<int>(states.Length * 3);
        var ordinalOfRow = new List<int>(states.Length * 3);
        var upstreamOfRow = new List<int>(states.Length * 3);
        var differingByRow = new Dictionary<int, RecordedRead>();
        using (var chunks = new StreamedChunks(
            connection,
            """
            SELECT s.rowid, u.ordinal, c.rowid,
                CASE WHEN c.data_version IS DISTINCT FROM u.data_version THEN u.data_version END,
                CASE WHEN c.rowid IS NULL THEN u.asset END,
                CASE WHEN c.rowid IS NULL THEN u.partition END
            FROM partition_states s
                JOIN materialization_upstream u ON u.materialization_id = s.materialization_id
                LEFT JOIN partition_states c ON c.asset = u.asset AND c.partition = u.partition
            """))
        {
            var keys = new Utf8TextCache<AssetKey>(AssetKey.Parse);
            while (chunks.Next())
            {
                var (readerRowId, ordinal, upstreamRowId, version, asset, partition) =
                    (chunks.Column(0), chunks.Column(1), chunks.Column(2), chunks.Column(3), chunks.Column(4), chunks.Column(5));
                for (var i = 0; i < chunks.Size; i++)
                {
                    var row = readerOfRow.Count;
                    readerOfRow.Add(indexOfRow[readerRowId.Int64(i)]);
                    ordinalOfRow.Add(ordinal.Int32(i));
                    var upstream = upstreamRowId.IsNull(i) ? -1 : indexOfRow[upstreamRowId.Int64(i)];
                    upstreamOfRow.Add(upstream);
                    if (!version.IsNull(i))
                    {
                        AssetPartition? read = upstream < 0
                            ? new AssetPartition(keys.Get(asset.Utf8(i)), StoredForm.Partition(Encoding.UTF8.GetString(partition.Utf8(i))))
                            : null;
                        differingByRow.Add(row, new RecordedRead(read, Encoding.UTF8.GetString(version.Utf8(i))));
                    }
                }
            }
        }

        // Grouped by reader (a counting sort over the state indexes), each group in recorded order.
        var readStart = new int[states.Length + 1];
        foreach (var state in readerOfRow)
        {
            readStart[state + 1]++;
        }

        for (var k = 0; k < states.Length; k++)
        {
            readStart[k + 1] += readStart[k];
        }

        var next = readStart[..^1];
        var rowOfEntry = new int[readerOfRow.Count];
        var ordinalOfEntry = new int[readerOfRow.Count];
        for (var row = 0; row < readerOfRow.Count; row++)
        {
            var entry = next[readerOfRow[row]]++;
            rowOfEntry[entry] = row;
            ordinalOfEntry[entry] = ordinalOfRow[row];
        }

        for (var k = 0; k < states.Length; k++)
        {
            var (start, length) = (readStart[k], readStart[k + 1] - readStart[k]);
            if (length > 1 && !IsAscending(ordinalOfEntry.AsSpan(start, length)))
            {
                ordinalOfEntry.AsSpan(start, length).Sort(rowOfEntry.AsSpan(start, length));
            }
        }

        var upstreamOfEntry = new int[rowOfEntry.Length];
        var differing = new Dictionary<int, RecordedRead>(differingByRow.Count);
        for (var entry = 0; entry < rowOfEntry.Length; entry++)
        {
            var row = rowOfEntry[entry];
            upstreamOfEntry[entry] = upstreamOfRow[row];
            if (differingByRow.TryGetValue(row, out var read))
            {
                differing.Add(entry, read);
            }
        }

        return new StatusInputs(states, readStart, upstreamOfEntry, differing);
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
    /// vectors; asset keys, partition keys, code versions and causes are made once per distinct text and shared between
    /// the rows that repeat them, so a row allocates only its state, its materialization id and its data version.
    /// </summary>
    private static (PartitionState[] States, long[] RowIds) ReadStatesByRowId(DuckDBConnection connection)
    {
        using var chunks = new StreamedChunks(connection, $"SELECT rowid, {StateColumns} FROM partition_states");
        var states = new List<PartitionState>();
        var rowIds = new List<long>();
        var assets = new Utf8TextCache<AssetKey>(AssetKey.Parse);
        var partitions = new Utf8TextCache<PartitionKey?>(StoredForm.Partition);
        var codeVersions = new Utf8TextCache<string>(static text => text);
        var causes = new Utf8TextCache<string>(static text => text);
        while (chunks.Next())
        {
            var (rowId, asset, partition, status, cause, id) = (chunks.Column(0), chunks.Column(1), chunks.Column(2), chunks.Column(3), chunks.Column(4), chunks.Column(5));
            var (dataVersion, codeVersion, sequence, publishedAt, updatedAt) = (chunks.Column(6), chunks.Column(7), chunks.Column(8), chunks.Column(9), chunks.Column(10));
            for (var row = 0; row < chunks.Size; row++)
            {
                rowIds.Add(rowId.Int64(row));
                states.Add(new PartitionState(
                    new AssetPartition(assets.Get(asset.Utf8(row)), partitions.Get(partition.Utf8(row))),
                    StoredForm.Status(status.Byte(row)),
                    cause.IsNull(row) ? null : causes.Get(cause.Utf8(row)),
                    id.IsNull(row) ? null : MaterializationId.FromCanonical(Encoding.UTF8.GetString(id.Utf8(row))),
                    dataVersion.IsNull(row) ? null : Encoding.UTF8.GetString(dataVersion.Utf8(row)),
                    codeVersion.IsNull(row) ? null : codeVersions.Get(codeVersion.Utf8(row)),
                    sequence.IsNull(row) ? null : sequence.Int64(row),
                    publishedAt.IsNull(row) ? null : StoredForm.Instant(publishedAt.Int64(row)),
                    StoredForm.Instant(updatedAt.Int64(row))));
            }
        }

        return ([.. states], [.. rowIds]);
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

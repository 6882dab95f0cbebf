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
        using (var command = Command(
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
            command.UseStreamingMode = true;
            using var reader = command.ExecuteReader();
            var keys = new AssetKeyCache();
            while (reader.Read())
            {
                var row = readerOfRow.Count;
                readerOfRow.Add(indexOfRow[reader.GetInt64(0)]);
                ordinalOfRow.Add(reader.GetInt32(1));
                var upstream = reader.IsDBNull(2) ? -1 : indexOfRow[reader.GetInt64(2)];
                upstreamOfRow.Add(upstream);
                if (!reader.IsDBNull(3))
                {
                    AssetPartition? partition = upstream < 0 ? new AssetPartition(keys.Get(reader.GetString(4)), StoredForm.Partition(reader.GetString(5))) : null;
                    differingByRow.Add(row, new RecordedRead(partition, reader.GetString(3)));
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
    /// Every state in the table's own order with its row id: no sort, no join; asset keys, partition keys and code versions
    /// are shared between the rows that repeat them.
    /// </summary>
    private static (PartitionState[] States, long[] RowIds) ReadStatesByRowId(DuckDBConnection connection)
    {
        using var command = Command(connection, $"SELECT rowid, {StateColumns} FROM partition_states");
        command.UseStreamingMode = true;
        using var reader = command.ExecuteReader();
        var states = new List<PartitionState>();
        var rowIds = new List<long>();
        var assets = new AssetKeyCache();
        var partitions = new Dictionary<string, PartitionKey>(StringComparer.Ordinal);
        var codeVersions = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            rowIds.Add(reader.GetInt64(0));
            var asset = assets.Get(reader.GetString(1));
            var partitionText = reader.GetString(2);
            PartitionKey? partition = null;
            if (partitionText.Length > 0)
            {
                if (!partitions.TryGetValue(partitionText, out var key))
                {
                    key = new PartitionKey(partitionText);
                    partitions.Add(partitionText, key);
                }

                partition = key;
            }

            string? codeVersion = null;
            if (!reader.IsDBNull(7))
            {
                var text = reader.GetString(7);
                if (!codeVersions.TryGetValue(text, out codeVersion))
                {
                    codeVersions.Add(text, codeVersion = text);
                }
            }

            states.Add(new PartitionState(
                new AssetPartition(asset, partition),
                StoredForm.Status(reader.GetByte(3)),
                NullableString(reader, 4),
                reader.IsDBNull(5) ? null : MaterializationId.FromCanonical(reader.GetString(5)),
                NullableString(reader, 6),
                codeVersion,
                NullableInt64(reader, 8),
                NullableInt64(reader, 9) is { } published ? StoredForm.Instant(published) : null,
                StoredForm.Instant(reader.GetInt64(10))));
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

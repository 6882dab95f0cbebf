using System.Text;
using Assets.Graph;
using Assets.Metadata;

namespace Assets.Storage.Metadata;

public sealed partial class DuckDbMetadataStore
{
    /// <inheritdoc />
    /// <remarks>Committed with the next group of index writes (see <see cref="MetadataStoreOptions.IndexWriteDelay"/>).</remarks>
    public Task AppendEventsAsync(IReadOnlyList<RunEvent> events, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return Task.CompletedTask;
        }

        foreach (var e in events)
        {
            ArgumentNullException.ThrowIfNull(e, nameof(events));
        }

        // Sequence numbers are assigned now, in append order (this store is the file's only writer); the rows
        // are committed with the next group of index writes.
        return DeferAsync(
            pending =>
            {
                foreach (var e in events)
                {
                    pending.Events.Add((++_lastEventSeq, e));
                }
            },
            ct);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RunEvent>> GetEventsAsync(RunId? run = null, AssetPartition? partition = null, int limit = 1000, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return RunAsync<IReadOnlyList<RunEvent>>(
            connection =>
            {
                var sql = new StringBuilder("SELECT run_id, occurred_at, kind, asset, partition, attempt, message FROM run_events WHERE true");
                var parameters = new List<(string, object?)> { ("limit", (long)limit) };
                if (run is { } r)
                {
                    sql.Append(" AND run_id = $run");
                    parameters.Add(("run", r.Value));
                }

                if (partition is { } p)
                {
                    sql.Append(" AND asset = $asset AND partition = $partition");
                    parameters.Add(("asset", p.Asset.Value));
                    parameters.Add(("partition", StoredForm.Partition(p.Partition)));
                }

                sql.Append(" ORDER BY occurred_at DESC, seq DESC LIMIT $limit");
                using var command = Command(connection, sql.ToString(), [.. parameters]);
                using var reader = command.ExecuteReader();
                var keys = new AssetKeyCache();
                var events = new List<RunEvent>();
                while (reader.Read())
                {
                    AssetPartition? at = reader.IsDBNull(3)
                        ? null
                        : new AssetPartition(keys.Get(reader.GetString(3)), StoredForm.Partition(reader.GetString(4)));
                    events.Add(new RunEvent(
                        RunId.Parse(reader.GetString(0)),
                        StoredForm.Instant(reader.GetInt64(1)),
                        Enum.Parse<RunEventKind>(reader.GetString(2)),
                        at,
                        reader.IsDBNull(5) ? null : reader.GetInt32(5),
                        NullableString(reader, 6)));
                }

                return events;
            },
            ct);
    }
}

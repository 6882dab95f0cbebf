using System.Text;
using Assets.Graph;
using Assets.Metadata;

namespace Assets.Storage.Metadata;

public sealed partial class DuckDbMetadataStore
{
    /// <inheritdoc />
    public Task AppendEventsAsync(IReadOnlyList<RunEvent> events, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return Task.CompletedTask;
        }

        return RunInTransactionAsync(
            connection =>
            {
                // Sequence numbers are assigned here (this store is the file's only writer); a rolled-back
                // append leaves a gap, which is harmless: seq only orders.
                using var appender = connection.CreateAppender("run_events");
                foreach (var e in events)
                {
                    ArgumentNullException.ThrowIfNull(e, nameof(events));
                    appender.CreateRow()
                        .AppendValue(++_lastEventSeq)
                        .AppendValue(e.RunId.Value)
                        .AppendValue(StoredForm.Ticks(e.At))
                        .AppendValue(e.Kind.ToString())
                        .AppendValue(e.Partition?.Asset.Value)
                        .AppendValue(e.Partition is { } p ? StoredForm.Partition(p.Partition) : null)
                        .AppendValue(e.Attempt)
                        .AppendValue(e.Message)
                        .EndRow();
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

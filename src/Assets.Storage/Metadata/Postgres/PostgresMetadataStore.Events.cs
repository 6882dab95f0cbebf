using System.Text;
using Assets.Graph;
using Assets.Metadata;
using Npgsql;

namespace Assets.Storage.Metadata.Postgres;

public sealed partial class PostgresMetadataStore
{
    /// <inheritdoc />
    /// <remarks>One statement over arrays; the identity column numbers the rows in the order given.</remarks>
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

        return RunAsync(
            connection => ExecuteAsync(
                connection,
                """
                INSERT INTO run_events (run_id, occurred_at, kind, asset, partition, attempt, message)
                SELECT run_id, occurred_at, kind, asset, partition, attempt, message
                FROM unnest(@run::text[], @at::bigint[], @kind::text[], @asset::text[], @partition::text[], @attempt::int[], @message::text[])
                    WITH ORDINALITY AS e(run_id, occurred_at, kind, asset, partition, attempt, message, n)
                ORDER BY n
                """,
                ct,
                ("run", events.Select(e => e.RunId.Value).ToArray()),
                ("at", events.Select(e => StoredForm.Ticks(e.At)).ToArray()),
                ("kind", events.Select(e => e.Kind.ToString()).ToArray()),
                ("asset", events.Select(e => e.Partition?.Asset.Value).ToArray()),
                ("partition", events.Select(e => e.Partition is { } p ? StoredForm.Partition(p.Partition) : null).ToArray()),
                ("attempt", events.Select(e => e.Attempt).ToArray()),
                ("message", events.Select(e => e.Message).ToArray())),
            ct,
            // Appending is not idempotent: after a lost reply, the batch's last event (its run, time, kind, partition and
            // attempt, which nothing else shares) says whether the batch applied (one statement: all or nothing).
            Replay<int>.Checked((connection, token) => EventRecordedAsync(connection, events[^1], token), whenApplied: events.Count));
    }

    private static async Task<bool> EventRecordedAsync(NpgsqlConnection connection, RunEvent e, CancellationToken ct)
    {
        await using var command = Command(
            connection,
            """
            SELECT 1 FROM run_events WHERE run_id = @run AND occurred_at = @at AND kind = @kind
                AND asset IS NOT DISTINCT FROM @asset AND partition IS NOT DISTINCT FROM @partition AND attempt IS NOT DISTINCT FROM @attempt
            LIMIT 1
            """,
            ("run", e.RunId.Value),
            ("at", StoredForm.Ticks(e.At)),
            ("kind", e.Kind.ToString()),
            ("asset", e.Partition?.Asset.Value),
            ("partition", e.Partition is { } p ? StoredForm.Partition(p.Partition) : null),
            ("attempt", e.Attempt));
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RunEvent>> GetEventsAsync(RunId? run = null, AssetPartition? partition = null, int limit = 1000, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return RunAsync<IReadOnlyList<RunEvent>>(
            async connection =>
            {
                var sql = new StringBuilder("SELECT run_id, occurred_at, kind, asset, partition, attempt, message FROM run_events WHERE true");
                var parameters = new List<(string, object?)> { ("limit", (long)limit) };
                if (run is { } r)
                {
                    sql.Append(" AND run_id = @run");
                    parameters.Add(("run", r.Value));
                }

                if (partition is { } p)
                {
                    sql.Append(" AND asset = @asset AND partition = @partition");
                    parameters.Add(("asset", p.Asset.Value));
                    parameters.Add(("partition", StoredForm.Partition(p.Partition)));
                }

                sql.Append(" ORDER BY occurred_at DESC, seq DESC LIMIT @limit");
                await using var command = Command(connection, sql.ToString(), [.. parameters]);
                var keys = new AssetKeyCache();
                return await ReadAllAsync(
                    command,
                    reader => new RunEvent(
                        RunId.Parse(reader.GetString(0)),
                        StoredForm.Instant(reader.GetInt64(1)),
                        Enum.Parse<RunEventKind>(reader.GetString(2)),
                        reader.IsDBNull(3) ? null : new AssetPartition(keys.Get(reader.GetString(3)), StoredForm.Partition(reader.GetString(4))),
                        reader.IsDBNull(5) ? null : reader.GetInt32(5),
                        NullableString(reader, 6)),
                    ct).ConfigureAwait(false);
            },
            ct);
    }
}

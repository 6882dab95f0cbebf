using System.Text.Json;
using Assets.Backfills;
using Assets.Graph;
using Assets.Planning;
using DuckDB.NET.Data;
using NodaTime;

namespace Assets.Storage.Metadata;

public sealed partial class DuckDbMetadataStore : IBackfillStore
{
    private const string BackfillColumns = """
        b.id, b.selection, b.range_from, b.range_to, b.partitions, b.reprocess, b.step_order, b.max_concurrency,
        b.max_partitions_per_run, b.status, b.owner_pid, b.owner_started_at, b.message, b.created_at, b.updated_at,
        count(s.asset), count(s.asset) FILTER (WHERE s.state = 'published'),
        count(s.asset) FILTER (WHERE s.state IN ('failed', 'quarantined', 'waiting')),
        count(s.asset) FILTER (WHERE s.state IN ('skipped', 'blocked'))
        """;

    /// <inheritdoc />
    public Task CreateBackfillAsync(Backfill backfill, IReadOnlyList<BackfillStep> steps, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(backfill);
        ArgumentNullException.ThrowIfNull(steps);
        var request = backfill.Request;
        return RunInTransactionAsync(
            connection =>
            {
                using (var exists = Command(connection, "SELECT count(*) FROM backfills WHERE id = $id", ("id", backfill.Id.Value)))
                {
                    if (Convert.ToInt64(exists.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0)
                    {
                        throw new InvalidOperationException($"A backfill {backfill.Id} is already recorded.");
                    }
                }

                var range = request.Range;
                var named = range.Partitions ?? (range.Partition is { } one ? [one] : null);
                Execute(
                    connection,
                    """
                    INSERT INTO backfills VALUES ($id, $selection, $from, $to, $partitions, $reprocess, $order, $concurrency,
                        $perRun, $status, $pid, $pidStarted, $message, $created, $updated)
                    """,
                    ("id", backfill.Id.Value),
                    ("selection", request.Selection),
                    ("from", range.From),
                    ("to", range.To),
                    ("partitions", named is null ? null : JsonSerializer.Serialize(named)),
                    ("reprocess", BackfillRequest.Describe(request.Reprocess)),
                    ("order", BackfillRequest.Describe(request.Order)),
                    ("concurrency", request.MaxConcurrency),
                    ("perRun", request.MaxPartitionsPerRun),
                    ("status", StatusText(backfill.Status)),
                    ("pid", backfill.Owner?.ProcessId),
                    ("pidStarted", StoredForm.Ticks(backfill.Owner?.ProcessStartedAt)),
                    ("message", backfill.Message),
                    ("created", StoredForm.Ticks(backfill.CreatedAt)),
                    ("updated", StoredForm.Ticks(backfill.UpdatedAt)));

                using var appender = connection.CreateAppender("backfill_steps");
                foreach (var step in steps)
                {
                    appender.CreateRow()
                        .AppendValue(backfill.Id.Value)
                        .AppendValue(step.Position)
                        .AppendValue(step.Partition.Asset.Value)
                        .AppendValue(StoredForm.Partition(step.Partition.Partition))
                        .AppendValue(step.Chunk)
                        .AppendValue(StateText(step.State))
                        .AppendValue(step.Attempts)
                        .AppendValue(step.Error)
                        .AppendValue(StoredForm.Ticks(step.UpdatedAt))
                        .EndRow();
                }
            },
            ct,
            StatusEffect.None);
    }

    /// <inheritdoc />
    public async Task<Backfill?> GetBackfillAsync(BackfillId id, CancellationToken ct = default)
        => (await ReadBackfillsAsync("WHERE b.id = $id", ("id", id.Value), ct).ConfigureAwait(false)).SingleOrDefault();

    /// <inheritdoc />
    public Task<IReadOnlyList<Backfill>> ListBackfillsAsync(CancellationToken ct = default)
        => ReadBackfillsAsync(string.Empty, null, ct);

    /// <inheritdoc />
    public Task<IReadOnlyList<BackfillStep>> GetBackfillStepsAsync(BackfillId id, CancellationToken ct = default)
        => RunAsync<IReadOnlyList<BackfillStep>>(
            connection =>
            {
                using var command = Command(
                    connection,
                    "SELECT position, asset, partition, chunk, state, attempts, error, updated_at FROM backfill_steps WHERE backfill_id = $id ORDER BY position",
                    ("id", id.Value));
                using var reader = command.ExecuteReader();
                var steps = new List<BackfillStep>();
                var keys = new AssetKeyCache();
                while (reader.Read())
                {
                    steps.Add(new BackfillStep(
                        reader.GetInt32(0),
                        new AssetPartition(keys.Get(reader.GetString(1)), StoredForm.Partition(reader.GetString(2))),
                        reader.GetInt32(3),
                        ParseState(reader.GetString(4)),
                        reader.GetInt32(5),
                        NullableString(reader, 6),
                        StoredForm.Instant(reader.GetInt64(7))));
                }

                return steps;
            },
            ct);

    /// <inheritdoc />
    public Task SetBackfillStatusAsync(BackfillId id, BackfillStatus status, BackfillOwner? owner, string? message, Instant at, CancellationToken ct = default)
        => RunAsync(
            connection =>
            {
                Execute(
                    connection,
                    "UPDATE backfills SET status = $status, owner_pid = $pid, owner_started_at = $pidStarted, message = $message, updated_at = $at WHERE id = $id",
                    ("status", StatusText(status)),
                    ("pid", owner?.ProcessId),
                    ("pidStarted", StoredForm.Ticks(owner?.ProcessStartedAt)),
                    ("message", message),
                    ("at", StoredForm.Ticks(at)),
                    ("id", id.Value));
                return true;
            },
            ct);

    /// <inheritdoc />
    public Task UpdateBackfillStepsAsync(BackfillId id, IReadOnlyList<BackfillStepUpdate> updates, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        if (updates.Count == 0)
        {
            return Task.CompletedTask;
        }

        // The last change of a step wins; one UPDATE per step keeps DuckDB's index from seeing a row change twice.
        var last = new Dictionary<AssetPartition, BackfillStepUpdate>();
        foreach (var update in updates)
        {
            last[update.Partition] = update;
        }

        return RunInTransactionAsync(
            connection =>
            {
                using var command = Command(
                    connection,
                    """
                    UPDATE backfill_steps SET state = $state, attempts = $attempts, error = $error, updated_at = $at
                    WHERE backfill_id = $id AND asset = $asset AND partition = $partition
                    """,
                    ("state", null), ("attempts", null), ("error", null), ("at", null), ("id", id.Value), ("asset", null), ("partition", null));
                foreach (var update in last.Values)
                {
                    command.Parameters["state"].Value = StateText(update.State);
                    command.Parameters["attempts"].Value = update.Attempts;
                    command.Parameters["error"].Value = (object?)update.Error ?? DBNull.Value;
                    command.Parameters["at"].Value = StoredForm.Ticks(update.At);
                    command.Parameters["asset"].Value = update.Partition.Asset.Value;
                    command.Parameters["partition"].Value = StoredForm.Partition(update.Partition.Partition);
                    if (command.ExecuteNonQuery() != 1)
                    {
                        throw new ArgumentException($"Backfill {id} has no step {update.Partition}.", nameof(updates));
                    }
                }
            },
            ct,
            StatusEffect.None);
    }

    private Task<IReadOnlyList<Backfill>> ReadBackfillsAsync(string where, (string Name, object? Value)? parameter, CancellationToken ct)
        => RunAsync<IReadOnlyList<Backfill>>(
            connection =>
            {
                var sql = $"""
                    SELECT {BackfillColumns}
                    FROM backfills b LEFT JOIN backfill_steps s ON s.backfill_id = b.id
                    {where}
                    GROUP BY ALL
                    ORDER BY b.created_at DESC, b.id
                    """;
                using var command = parameter is { } p ? Command(connection, sql, p) : Command(connection, sql);
                using var reader = command.ExecuteReader();
                var backfills = new List<Backfill>();
                while (reader.Read())
                {
                    backfills.Add(ReadBackfill(reader));
                }

                return backfills;
            },
            ct);

    private static Backfill ReadBackfill(DuckDBDataReader reader)
    {
        var from = NullableString(reader, 2);
        var to = NullableString(reader, 3);
        var named = NullableString(reader, 4) is { } json ? JsonSerializer.Deserialize<string[]>(json) : null;
        var range = named is { Length: > 0 } ? PartitionRange.ForPartitions(named)
            : from is null && to is null ? PartitionRange.All
            : PartitionRange.Between(from, to);
        if (!BackfillRequest.TryParseReprocess(reader.GetString(5), out var reprocess) || !BackfillRequest.TryParseOrder(reader.GetString(6), out var order))
        {
            throw new InvalidDataException($"Backfill {reader.GetString(0)} has an unknown reprocess mode or order ('{reader.GetString(5)}', '{reader.GetString(6)}') in the metadata store.");
        }

        var request = new BackfillRequest
        {
            Selection = reader.GetString(1),
            Range = range,
            Reprocess = reprocess,
            Order = order,
            MaxConcurrency = reader.GetInt32(7),
            MaxPartitionsPerRun = reader.GetInt32(8),
        };
        var owner = reader.IsDBNull(10) ? null : new BackfillOwner(reader.GetInt32(10), StoredForm.Instant(reader.GetInt64(11)));
        var steps = (int)reader.GetInt64(15);
        var published = (int)reader.GetInt64(16);
        var failed = (int)reader.GetInt64(17);
        var skipped = (int)reader.GetInt64(18);
        return new Backfill(
            BackfillId.Parse(reader.GetString(0)),
            request,
            ParseStatus(reader.GetString(9)),
            StoredForm.Instant(reader.GetInt64(13)),
            StoredForm.Instant(reader.GetInt64(14)),
            owner,
            new BackfillCounts(steps, published, failed, skipped, steps - published - failed - skipped),
            NullableString(reader, 12));
    }

    private static string StatusText(BackfillStatus status) => status.ToString().ToLowerInvariant();

    private static BackfillStatus ParseStatus(string text)
        => Enum.TryParse<BackfillStatus>(text, ignoreCase: true, out var status) ? status : throw new InvalidDataException($"Unknown backfill status '{text}' in the metadata store.");

    private static string StateText(BackfillStepState state) => state.ToString().ToLowerInvariant();

    private static BackfillStepState ParseState(string text)
        => Enum.TryParse<BackfillStepState>(text, ignoreCase: true, out var state) ? state : throw new InvalidDataException($"Unknown backfill step state '{text}' in the metadata store.");
}

using Assets.Backfills;
using Assets.Graph;
using NodaTime;

namespace Assets.Storage.Metadata;

public sealed partial class DuckDbMetadataStore : IBackfillStore
{
    /// <inheritdoc />
    public Task CreateBackfillAsync(Backfill backfill, IReadOnlyList<BackfillStep> steps, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(backfill);
        ArgumentNullException.ThrowIfNull(steps);
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

                Execute(
                    connection,
                    """
                    INSERT INTO backfills VALUES ($id, $selection, $from, $to, $partitions, $reprocess, $order, $concurrency,
                        $perRun, $status, $pid, $pidStarted, $message, $created, $updated)
                    """,
                    BackfillRows.Parameters(backfill));

                using var appender = connection.CreateAppender("backfill_steps");
                foreach (var step in steps)
                {
                    appender.CreateRow()
                        .AppendValue(backfill.Id.Value)
                        .AppendValue(step.Position)
                        .AppendValue(step.Partition.Asset.Value)
                        .AppendValue(StoredForm.Partition(step.Partition.Partition))
                        .AppendValue(step.Chunk)
                        .AppendValue(BackfillRows.StateText(step.State))
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
                    $"SELECT {BackfillRows.StepColumns} FROM backfill_steps WHERE backfill_id = $id ORDER BY position",
                    ("id", id.Value));
                using var reader = command.ExecuteReader();
                var steps = new List<BackfillStep>();
                var keys = new AssetKeyCache();
                while (reader.Read())
                {
                    steps.Add(BackfillRows.ReadStep(reader, keys));
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
                    ("status", BackfillRows.StatusText(status)),
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
                    command.Parameters["state"].Value = BackfillRows.StateText(update.State);
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
                    SELECT {BackfillRows.Columns}
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
                    backfills.Add(BackfillRows.Read(reader));
                }

                return backfills;
            },
            ct);
}

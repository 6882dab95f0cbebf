using System.Data.Common;
using System.Text.Json;
using Assets.Backfills;
using Assets.Graph;
using Assets.Planning;

namespace Assets.Storage.Metadata;

/// <summary>
/// How a backfill and its steps are stored in the <c>backfills</c> and <c>backfill_steps</c> tables, the same in the
/// embedded (DuckDB) and the shared (PostgreSQL) metadata store: the columns a backfill is read from, the words its
/// status and its steps' states are written as, and the rows read back.
/// </summary>
internal static class BackfillRows
{
    /// <summary>
    /// The columns <see cref="Read"/> reads, from <c>backfills b</c> joined with its <c>backfill_steps s</c> and
    /// grouped by backfill: the backfill's own columns, then its step counts by state.
    /// </summary>
    public const string Columns = """
        b.id, b.selection, b.range_from, b.range_to, b.partitions, b.reprocess, b.step_order, b.max_concurrency,
        b.max_partitions_per_run, b.status, b.owner_pid, b.owner_started_at, b.message, b.created_at, b.updated_at,
        count(s.asset), count(s.asset) FILTER (WHERE s.state = 'published'),
        count(s.asset) FILTER (WHERE s.state IN ('failed', 'quarantined', 'waiting')),
        count(s.asset) FILTER (WHERE s.state IN ('skipped', 'blocked'))
        """;

    /// <summary>The columns <see cref="ReadStep"/> reads from <c>backfill_steps</c>.</summary>
    public const string StepColumns = "position, asset, partition, chunk, state, attempts, error, updated_at";

    /// <summary>
    /// The parameters of the <c>INSERT INTO backfills VALUES (...)</c> of <paramref name="backfill"/>, named as its
    /// columns are in order: id, selection, from, to, partitions, reprocess, order, concurrency, perRun, status, pid,
    /// pidStarted, message, created, updated.
    /// </summary>
    public static (string Name, object? Value)[] Parameters(Backfill backfill)
    {
        var request = backfill.Request;
        var range = request.Range;
        var named = range.Partitions ?? (range.Partition is { } one ? [one] : null);
        return
        [
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
            ("updated", StoredForm.Ticks(backfill.UpdatedAt)),
        ];
    }

    /// <summary>A row of <see cref="Columns"/>.</summary>
    public static Backfill Read(DbDataReader reader)
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

    /// <summary>A row of <see cref="StepColumns"/>; <paramref name="keys"/> shares asset keys between the rows of one read.</summary>
    public static BackfillStep ReadStep(DbDataReader reader, AssetKeyCache keys)
        => new(
            reader.GetInt32(0),
            new AssetPartition(keys.Get(reader.GetString(1)), StoredForm.Partition(reader.GetString(2))),
            reader.GetInt32(3),
            ParseState(reader.GetString(4)),
            reader.GetInt32(5),
            NullableString(reader, 6),
            StoredForm.Instant(reader.GetInt64(7)));

    public static string StatusText(BackfillStatus status) => status.ToString().ToLowerInvariant();

    public static BackfillStatus ParseStatus(string text)
        => Enum.TryParse<BackfillStatus>(text, ignoreCase: true, out var status) ? status : throw new InvalidDataException($"Unknown backfill status '{text}' in the metadata store.");

    public static string StateText(BackfillStepState state) => state.ToString().ToLowerInvariant();

    public static BackfillStepState ParseState(string text)
        => Enum.TryParse<BackfillStepState>(text, ignoreCase: true, out var state) ? state : throw new InvalidDataException($"Unknown backfill step state '{text}' in the metadata store.");

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}

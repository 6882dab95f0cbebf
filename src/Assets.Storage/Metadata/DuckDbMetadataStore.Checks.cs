using Assets.Graph;
using Assets.Metadata;
using DuckDB.NET.Data;

namespace Assets.Storage.Metadata;

public sealed partial class DuckDbMetadataStore
{
    /// <inheritdoc />
    /// <remarks>Committed with the next group of index writes (see <see cref="MetadataStoreOptions.IndexWriteDelay"/>).</remarks>
    public Task RecordCheckResultsAsync(IReadOnlyList<CheckRecord> results, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0)
        {
            return Task.CompletedTask;
        }

        foreach (var result in results)
        {
            ArgumentNullException.ThrowIfNull(result, nameof(results));
            ArgumentException.ThrowIfNullOrWhiteSpace(result.CheckName, nameof(results));
        }

        return DeferAsync(pending => pending.CheckResults.AddRange(results), ct);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<CheckRecord>> GetCheckResultsAsync(AssetPartition partition, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(partition.Asset);
        return RunAsync<IReadOnlyList<CheckRecord>>(
            connection =>
            {
                // check_results is append-only, so rowid is append order: the tie-break among equal times.
                using var command = Command(
                    connection,
                    """
                    SELECT materialization_id, check_name, passed, blocking, description, evaluated_at
                    FROM check_results WHERE asset = $asset AND partition = $partition
                    ORDER BY evaluated_at DESC, rowid DESC
                    """,
                    ("asset", partition.Asset.Value),
                    ("partition", StoredForm.Partition(partition.Partition)));
                using var reader = command.ExecuteReader();
                var results = new List<CheckRecord>();
                while (reader.Read())
                {
                    results.Add(new CheckRecord(
                        partition,
                        MaterializationId.Parse(reader.GetString(0)),
                        reader.GetString(1),
                        reader.GetBoolean(2),
                        reader.GetBoolean(3),
                        NullableString(reader, 4),
                        StoredForm.Instant(reader.GetInt64(5))));
                }

                return results;
            },
            ct);
    }

    private static void ApplyCheckResults(DuckDBConnection connection, List<CheckRecord> results)
    {
        using var appender = connection.CreateAppender("check_results");
        foreach (var result in results)
        {
            appender.CreateRow()
                .AppendValue(result.Partition.Asset.Value)
                .AppendValue(StoredForm.Partition(result.Partition.Partition))
                .AppendValue(result.MaterializationId.Value)
                .AppendValue(result.CheckName)
                .AppendValue(result.Passed)
                .AppendValue(result.Blocking)
                .AppendValue(result.Description)
                .AppendValue(StoredForm.Ticks(result.EvaluatedAt))
                .EndRow();
        }
    }
}

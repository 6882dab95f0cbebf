namespace Assets.Storage.Metadata;

public sealed partial class DuckDbMetadataStore
{
    /// <inheritdoc />
    /// <remarks>
    /// The row count and the XOR of a hash of every row of <c>partition_states</c>, of
    /// <c>materialization_upstream</c> and of <c>source_observations</c>, computed inside DuckDB (parallel, nothing decoded into .NET objects).
    /// It is a content hash rather than a counter bumped by writes, so it cannot miss a write path (reconciliation,
    /// write-behind groups, a migration, another tool editing the file) and needs no schema change; two different
    /// contents share one with probability about 2^-64. Pending writes are committed first, so they count.
    /// </remarks>
    public Task<string?> GetStatusFingerprintAsync(CancellationToken ct = default)
        => RunAsync<string?>(
            connection =>
            {
                using var command = Command(
                    connection,
                    """
                    SELECT
                        (SELECT count(*) || ':' || coalesce(bit_xor(hash(asset, partition, status, cause, materialization_id, data_version, code_version, sequence, published_at, updated_at)), 0) FROM partition_states)
                        || '/' ||
                        (SELECT count(*) || ':' || coalesce(bit_xor(hash(materialization_id, ordinal, asset, partition, data_version)), 0) FROM materialization_upstream)
                        || '/' ||
                        (SELECT count(*) || ':' || coalesce(bit_xor(hash(asset, partition, arrived, version, description, observed_at)), 0) FROM source_observations)
                    """);
                return (string?)command.ExecuteScalar();
            },
            ct);
}

namespace Assets.Storage.Metadata.Postgres;

public sealed partial class PostgresMetadataStore
{
    /// <inheritdoc />
    /// <remarks>
    /// As the DuckDB store's: the row count and the XOR of a 64-bit hash of every row of <c>partition_states</c>,
    /// <c>materialization_upstream</c> and <c>source_observations</c>, computed by the server. A content hash cannot miss
    /// a write, whichever process made it, which is what a store shared by many processes needs.
    /// </remarks>
    public Task<string?> GetStatusFingerprintAsync(CancellationToken ct = default)
        => RunAsync<string?>(
            async connection =>
            {
                await using var command = Command(
                    connection,
                    """
                    SELECT
                        (SELECT count(*) || ':' || coalesce(bit_xor(hashtextextended(t::text, 0)), 0) FROM partition_states t)
                        || '/' ||
                        (SELECT count(*) || ':' || coalesce(bit_xor(hashtextextended(t::text, 0)), 0) FROM materialization_upstream t)
                        || '/' ||
                        (SELECT count(*) || ':' || coalesce(bit_xor(hashtextextended(t::text, 0)), 0) FROM source_observations t)
                    """);
                return (string?)await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
            },
            ct);
}

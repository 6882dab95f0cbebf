using Assets.Planning;

namespace Assets.Storage.Metadata;

public sealed partial class DuckDbMetadataStore : IStatusGridSnapshotStore
{
    /// <inheritdoc />
    /// <remarks>Pending index writes need not be committed first: the key holds the fingerprint, which counts them.</remarks>
    public Task<ReadOnlyMemory<byte>?> GetStatusGridSnapshotAsync(string key, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return RunWithoutFlushAsync<ReadOnlyMemory<byte>?>(
            connection =>
            {
                using var command = Command(connection, "SELECT payload FROM status_grid_snapshot WHERE id = 1 AND snapshot_key = $key", ("key", key));
                using var reader = command.ExecuteReader();
                if (!reader.Read())
                {
                    return null;
                }

                using var stream = reader.GetStream(0);
                var payload = new byte[stream.Length];
                stream.ReadExactly(payload);
                return payload;
            },
            ct);
    }

    /// <inheritdoc />
    public Task SetStatusGridSnapshotAsync(string key, ReadOnlyMemory<byte> payload, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return RunInTransactionAsync(
            connection => Execute(
                connection,
                "INSERT OR REPLACE INTO status_grid_snapshot VALUES (1, $key, $payload, $now)",
                ("key", key),
                ("payload", payload.ToArray()),
                ("now", StoredForm.Ticks(_clock.GetCurrentInstant()))),
            ct);
    }
}

using Assets.Automation;
using NodaTime;

namespace Assets.Storage.Metadata.Postgres;

public sealed partial class PostgresMetadataStore : IAutomationCursorStore
{
    /// <inheritdoc />
    public Task<IReadOnlyDictionary<AssetKey, Instant>> GetAutomationCursorsAsync(CancellationToken ct = default)
        => RunAsync<IReadOnlyDictionary<AssetKey, Instant>>(
            async connection =>
            {
                await using var command = Command(connection, "SELECT asset, cursor_at FROM automation_cursors");
                var rows = await ReadAllAsync(command, r => (AssetKey.Parse(r.GetString(0)), StoredForm.Instant(r.GetInt64(1))), ct).ConfigureAwait(false);
                return rows.ToDictionary(r => r.Item1, r => r.Item2);
            },
            ct);

    /// <inheritdoc />
    public Task SetAutomationCursorAsync(AssetKey asset, Instant cursor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(asset);
        return RunAsync(
            connection => ExecuteAsync(
                connection,
                "INSERT INTO automation_cursors VALUES (@asset, @cursor) ON CONFLICT (asset) DO UPDATE SET cursor_at = excluded.cursor_at",
                ct,
                ("asset", asset.Value),
                ("cursor", StoredForm.Ticks(cursor))),
            ct);
    }
}

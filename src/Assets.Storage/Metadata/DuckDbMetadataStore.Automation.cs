using Assets.Automation;

namespace Assets.Storage.Metadata;

public sealed partial class DuckDbMetadataStore : IAutomationCursorStore
{
    /// <inheritdoc />
    public Task<IReadOnlyDictionary<AssetKey, NodaTime.Instant>> GetAutomationCursorsAsync(CancellationToken ct = default)
        => RunAsync<IReadOnlyDictionary<AssetKey, NodaTime.Instant>>(
            connection =>
            {
                using var command = Command(connection, "SELECT asset, cursor_at FROM automation_cursors");
                using var reader = command.ExecuteReader();
                var cursors = new Dictionary<AssetKey, NodaTime.Instant>();
                while (reader.Read())
                {
                    cursors[AssetKey.Parse(reader.GetString(0))] = StoredForm.Instant(reader.GetInt64(1));
                }

                return cursors;
            },
            ct);

    /// <inheritdoc />
    public Task SetAutomationCursorAsync(AssetKey asset, NodaTime.Instant cursor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(asset);
        return RunInTransactionAsync(
            connection => Execute(
                connection,
                "INSERT OR REPLACE INTO automation_cursors VALUES ($asset, $cursor)",
                ("asset", asset.Value),
                ("cursor", StoredForm.Ticks(cursor))),
            ct,
            StatusEffect.None);
    }
}

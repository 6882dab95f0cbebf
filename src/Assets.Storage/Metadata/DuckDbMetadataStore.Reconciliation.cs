using Assets.Storage.Maintenance;
using NodaTime;

namespace Assets.Storage.Metadata;

public sealed partial class DuckDbMetadataStore : IReconciliationMarkStore
{
    /// <inheritdoc />
    public Task<Instant?> GetReconciledThroughAsync(CancellationToken ct = default)
        => RunAsync<Instant?>(
            connection =>
            {
                using var command = Command(connection, "SELECT reconciled_through FROM reconciliation_mark WHERE id = 1");
                return command.ExecuteScalar() is long ticks ? StoredForm.Instant(ticks) : null;
            },
            ct);

    /// <inheritdoc />
    /// <remarks>Runs after the pending index writes are committed (as every operation does), so the mark never gets ahead of the records.</remarks>
    public Task SetReconciledThroughAsync(Instant through, CancellationToken ct = default)
        => RunInTransactionAsync(
            connection => Execute(connection, "INSERT OR REPLACE INTO reconciliation_mark VALUES (1, $through)", ("through", StoredForm.Ticks(through))),
            ct,
            StatusEffect.None);
}

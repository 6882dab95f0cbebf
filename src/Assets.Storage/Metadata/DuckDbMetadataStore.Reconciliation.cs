using Assets.Storage.Maintenance;
using NodaTime;

namespace Assets.Storage.Metadata;

public sealed partial class DuckDbMetadataStore : IReconciliationMarkStore
{
    /// <inheritdoc />
    public Task<Instant?> GetReconciledThroughAsync(string root, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        return RunAsync<Instant?>(
            connection =>
            {
                using var command = Command(connection, "SELECT reconciled_through FROM reconciliation_mark WHERE id = 1 AND (root = $root OR root IS NULL)", ("root", root));
                return command.ExecuteScalar() is long ticks ? StoredForm.Instant(ticks) : null;
            },
            ct);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Runs after the pending index writes are committed (as every operation does), so the mark never gets ahead of the
    /// records; from here on the session's index agrees with the root, so a clean dispose may say so, and the session's
    /// pointer-write log starts (replacing the previous session's, whose pointers this reconciliation covered).
    /// </remarks>
    public async Task SetReconciledThroughAsync(string root, Instant through, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        await RunInTransactionAsync(
            connection => Execute(connection, "INSERT OR REPLACE INTO reconciliation_mark (id, reconciled_through, root) VALUES (1, $through, $root)", ("through", StoredForm.Ticks(through)), ("root", root)),
            ct,
            StatusEffect.None).ConfigureAwait(false);
        _indexReconciled = true;
        await RunWithoutFlushAsync(
            _ =>
            {
                StartPointerWriteLog(root);
                return true;
            },
            ct).ConfigureAwait(false);
    }
}

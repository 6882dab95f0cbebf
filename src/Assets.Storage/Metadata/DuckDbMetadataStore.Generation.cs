using DuckDB.NET.Data;

namespace Assets.Storage.Metadata;

/// <summary>
/// The status generation: a counter in the file (table <c>status_generation</c>) that every write which can change a
/// partition's evaluated status moves forward in its own transaction: a group commit of states or materialization
/// records (the write-behind path), a reconciliation that changed a row, a source observation that says something
/// new. Transactions that only touch what the grid never reads (events, leases, check results, backfills, automation
/// cursors, the reconciliation mark) leave it alone; <see cref="RunInTransactionAsync"/> bumps it unless told the work
/// cannot change a status, so a new write path is counted unless it says otherwise.
/// </summary>
public sealed partial class DuckDbMetadataStore
{
    /// <summary>Whether a transaction's work can change what the status grid is evaluated from.</summary>
    private enum StatusEffect
    {
        /// <summary>It may: the generation moves forward with it.</summary>
        MayChangeStatus,

        /// <summary>It touches only tables the status grid never reads.</summary>
        None,
    }

    // A random id the file got when the counter was created: a generation means something only in its own file, so a
    // new or replaced file (deleted and rebuilt from the root) never matches what was kept for another.
    private string _storeId = string.Empty;

    // The committed generation; only this process writes the file (DuckDB's lock), so memory is authoritative.
    private long _generation;

    /// <inheritdoc />
    /// <remarks>
    /// The file's id and its status generation (<c>"id/generation"</c>), after committing the pending index writes (so
    /// they count): reading it costs nothing in proportion to the store. It is exact for every write made through this
    /// store; a tool that edits the file's tables directly bypasses it (delete the status grid snapshot file, or write
    /// anything through the store, to be safe).
    /// </remarks>
    public Task<string?> GetStatusFingerprintAsync(CancellationToken ct = default)
        => RunAsync<string?>(_ => Fingerprint, ct);

    /// <summary>The fingerprint of the committed generation; call with the store's lock held.</summary>
    private string Fingerprint => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{_storeId}/{_generation}");

    /// <summary>The committed generation (for tests and diagnostics).</summary>
    internal long StatusGeneration => _generation;

    private void LoadGeneration(DuckDBConnection connection)
    {
        using var command = Command(connection, "SELECT store_id, generation FROM status_generation WHERE id = 1");
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw new InvalidDataException($"The metadata store '{Path}' has no status generation row; it was edited outside Assets. Delete the file to rebuild it from the root.");
        }

        _storeId = reader.GetString(0);
        _generation = reader.GetInt64(1);
    }

    /// <summary>
    /// Writes the next generation inside the caller's transaction and returns it; the caller makes it
    /// <see cref="_generation"/> once the transaction committed (a rolled-back one leaves both as they were).
    /// </summary>
    private long WriteNextGeneration(DuckDBConnection connection)
    {
        var next = _generation + 1;
        _prepared.Execute(connection, "UPDATE status_generation SET generation = $generation WHERE id = 1", ("generation", next));
        return next;
    }
}

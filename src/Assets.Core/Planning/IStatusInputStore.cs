namespace Assets.Planning;

/// <summary>
/// A metadata store that reads the inputs of the status grid in one go and compares every recorded upstream version with
/// the upstream's current data version itself (<see cref="StatusInputs"/>): the DuckDB store does it with one join. A
/// store without it (PostgreSQL, a user's own) is read through <see cref="Metadata.IMetadataStore.GetStatesAsync"/> and
/// <see cref="Metadata.IMetadataStore.GetRecordedUpstreamAsync"/>, with the same result.
/// </summary>
internal interface IStatusInputStore
{
    /// <summary>Every stored state and what each state's materialization read, read consistently (no write in between).</summary>
    /// <param name="statesRead">
    /// Called once with the states as soon as they are read, possibly on another thread and while the recorded reads are
    /// still being read, so work that needs only the states (<see cref="StatesLayout"/>) overlaps the rest of the read;
    /// the returned task does not complete before it returns, and an exception it throws fails the read.
    /// </param>
    /// <param name="ct">Cancels the read.</param>
    Task<StatusInputs> GetStatusInputsAsync(Action<StoredStateColumns>? statesRead = null, CancellationToken ct = default);
}

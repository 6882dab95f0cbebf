using NodaTime;

namespace Assets.Automation;

/// <summary>
/// Where the daemon keeps, per scheduled asset, the newest schedule tick it handled (see
/// <see cref="AutomationPlanner.DueTicks"/>), so that after a restart it knows which ticks it missed. The metadata store
/// implements it. Safe to call concurrently.
/// </summary>
public interface IAutomationCursorStore
{
    /// <summary>Every stored cursor, by asset.</summary>
    Task<IReadOnlyDictionary<AssetKey, Instant>> GetAutomationCursorsAsync(CancellationToken ct = default);

    /// <summary>Stores the cursor of <paramref name="asset"/>, replacing the previous one; written at once (not behind).</summary>
    Task SetAutomationCursorAsync(AssetKey asset, Instant cursor, CancellationToken ct = default);
}

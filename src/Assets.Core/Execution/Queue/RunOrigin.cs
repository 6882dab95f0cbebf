using Assets.Backfills;

namespace Assets.Execution.Queue;

/// <summary>What started a queued run.</summary>
public enum RunOriginKind
{
    /// <summary>A <c>materialize</c> command (or the daemon's materialize endpoint).</summary>
    Materialize,

    /// <summary>A run of a backfill (<see cref="RunOrigin.Backfill"/> names it).</summary>
    Backfill,

    /// <summary>An automation tick.</summary>
    Automation,
}

/// <summary>What started a queued run, with the backfill's id for a backfill's run. Immutable.</summary>
/// <param name="Kind">What kind of origin.</param>
/// <param name="Backfill">The backfill, for <see cref="RunOriginKind.Backfill"/> only; otherwise <c>null</c>.</param>
public sealed record RunOrigin(RunOriginKind Kind, BackfillId? Backfill)
{
    /// <summary>A <c>materialize</c>.</summary>
    public static RunOrigin Materialize { get; } = new(RunOriginKind.Materialize, null);

    /// <summary>An automation tick.</summary>
    public static RunOrigin Automation { get; } = new(RunOriginKind.Automation, null);

    /// <summary>A run of backfill <paramref name="backfill"/>.</summary>
    public static RunOrigin ForBackfill(BackfillId backfill) => new(RunOriginKind.Backfill, backfill);

    /// <summary><c>materialize</c>, <c>automation</c>, <c>backfill k3x9q2ma</c>.</summary>
    public override string ToString() => Kind switch
    {
        RunOriginKind.Backfill => $"backfill {Backfill}",
        RunOriginKind.Automation => "automation",
        _ => "materialize",
    };
}

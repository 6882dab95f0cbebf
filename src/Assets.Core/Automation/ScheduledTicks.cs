using NodaTime;

namespace Assets.Automation;

/// <summary>
/// What a schedule does at one evaluation (see <see cref="AutomationPlanner.DueTicks"/>): the ticks to run now, oldest
/// first, the ticks passed over by the missed-tick policy, and the cursor to keep once they are handled.
/// </summary>
/// <param name="Run">The ticks to materialize, oldest first.</param>
/// <param name="Skipped">Ticks that passed and are not run (missed while the daemon was down, per the policy).</param>
/// <param name="Cursor">The newest tick considered (or the evaluation instant, the first time): the next evaluation starts after it.</param>
public sealed record ScheduledTicks(IReadOnlyList<Instant> Run, IReadOnlyList<Instant> Skipped, Instant Cursor);

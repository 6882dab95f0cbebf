using Assets.Graph;
using Assets.Partitions;
using NodaTime;

namespace Assets.Planning;

/// <summary>
/// Decides what to materialize: from a selection, a <see cref="PartitionRange"/> and a <see cref="PlanMode"/>,
/// against the evaluated <see cref="StatusGrid"/>, an ordered <see cref="Plan"/> whose steps each say why they
/// are in it.
/// <list type="bullet">
/// <item><description>Which partitions: see <see cref="PartitionRange"/>.</description></item>
/// <item><description>Which of them run: in <see cref="PlanMode.MissingOrStale"/> those missing, stale, failed,
/// quarantined or waiting; in <see cref="PlanMode.Force"/> all; in <see cref="PlanMode.Missing"/> the missing ones;
/// in <see cref="PlanMode.FailedAndMissing"/> the missing, failed, quarantined and waiting ones; in
/// <see cref="PlanMode.Eager"/> the missing, stale and waiting ones and those whose run died within their retry budget, none whose source is observed absent and none that reads a
/// stale upstream outside the plan. A running partition (another run holds its lease) is planned with that reason in
/// every mode but <see cref="PlanMode.Eager"/>, which blocks it: its step waits for the other run, then runs unless that
/// run published it.</description></item>
/// <item><description>No silent reads of missing data: a partition that reads (through its mappings, as of the grid's
/// <see cref="StatusGrid.AsOf"/>) an upstream partition that is not a step of the plan and has no published version
/// (missing, or failed, quarantined, waiting or running with nothing published before), that does not exist yet,
/// or that lies outside the upstream's range, is blocked with the reason; so is every step that reads a blocked
/// partition, transitively. An upstream partition that is not in the plan but has a published version (even a
/// stale or failed one) is read as it is.</description></item>
/// </list>
/// </summary>
public static partial class Planner
{
    /// <summary>
    /// How long <see cref="PlanMode.Eager"/> leaves a partition that last found its source absent (and has no observation
    /// saying it arrived since) before trying it again.
    /// </summary>
    public static readonly Duration EagerWaitingRetry = Duration.FromMinutes(5);

    private const string RunningReason = "being materialized by another run: waits for it, then runs unless that run published it";

    private const sbyte Planned = 1;
    private const sbyte Blocked = 2;
    private const int LinearDependencyLimit = 8;

    /// <summary>Makes the plan.</summary>
    /// <param name="graph">The assets; the graph <paramref name="grid"/> was evaluated from.</param>
    /// <param name="grid">The status of every partition, evaluated at the instant the plan is made for.</param>
    /// <param name="assets">The selected assets (from <see cref="Selection.AssetSelection"/>); their order does not
    /// matter, the plan follows the graph's topological order.</param>
    /// <param name="range">The partitions.</param>
    /// <param name="mode">Missing-or-stale (the default) or force.</param>
    /// <exception cref="PartitionKeyException">A key of <paramref name="range"/> is not valid for a selected asset that
    /// must accept it; the message names the asset and the valid form.</exception>
    public static Plan CreatePlan(AssetGraph graph, StatusGrid grid, IReadOnlyList<AssetDefinition> assets, PartitionRange range, PlanMode mode = PlanMode.MissingOrStale)
    {
        Preconditions.CheckNotNull(graph);
        Preconditions.CheckNotNull(grid);
        Preconditions.CheckNotNull(assets);
        Preconditions.CheckNotNull(range);
        Preconditions.CheckArgument(Enum.IsDefined(mode), $"Unknown plan mode {mode}.");

        var selected = new HashSet<AssetKey>();
        foreach (var asset in assets)
        {
            Preconditions.CheckArgument(graph.Contains(asset.Key), $"The selected asset {asset.Key} is not in the graph.", nameof(assets));
            selected.Add(asset.Key);
        }

        var ordered = new List<AssetStatuses>(selected.Count);
        foreach (var asset in graph.Assets)
        {
            if (selected.Contains(asset.Key))
            {
                ordered.Add(grid.Find(asset.Key)
                    ?? throw new ArgumentException($"The status grid has no asset {asset.Key}: evaluate it from the same graph.", nameof(grid)));
            }
        }

        // Every key is parsed before anything is planned, so a typo fails the whole request at once.
        NamedPartitionKeys.CheckEachNamesAPartition(ordered.ConvertAll(s => s.Definition), range);
        var picks = new Pick[ordered.Count];
        for (var a = 0; a < picks.Length; a++)
        {
            picks[a] = Pick.Of(ordered[a], range);
        }

        return new Planning(grid, mode, ordered).Run(picks, range, RangePicks(ordered, picks, range));
    }

    private static List<RangePick> RangePicks(List<AssetStatuses> ordered, Pick[] picks, PartitionRange range)
    {
        var result = new List<RangePick>();
        if (range.From is null && range.To is null)
        {
            return result;
        }

        for (var a = 0; a < ordered.Count; a++)
        {
            if (ordered[a].Definition.Partitions is TimeWindowPartitionsDefinition or MultiPartitionsDefinition)
            {
                var positions = picks[a].Positions().ToList();
                var keys = ordered[a].Space.Keys;
                result.Add(new RangePick(ordered[a].Definition.Key, positions.Count, positions.Count > 0 ? keys[positions[0]] : null, positions.Count > 0 ? keys[positions[^1]] : null));
            }
        }

        return result;
    }

    /// <summary>
    /// The rows of every asset of <paramref name="assets"/> (in their order) that <paramref name="range"/> picks, exactly
    /// as <see cref="CreatePlan"/> picks partitions for that selection, whatever their status: what
    /// <c>status --partition P</c> shows.
    /// </summary>
    /// <exception cref="PartitionKeyException">A key of <paramref name="range"/> is a partition of no asset of
    /// <paramref name="assets"/>, or not valid for one that must accept it; the message names the valid forms.</exception>
    public static IReadOnlyList<PartitionStatusRow> RowsInRange(StatusGrid grid, IReadOnlyList<AssetDefinition> assets, PartitionRange range)
    {
        Preconditions.CheckNotNull(assets);
        Preconditions.CheckNotNull(range);
        NamedPartitionKeys.CheckEachNamesAPartition(assets, range);
        return assets.SelectMany(asset => RowsInRange(grid, asset, range)).ToList();
    }

    /// <summary>
    /// The rows of <paramref name="asset"/> that <paramref name="range"/> picks, exactly as
    /// <see cref="CreatePlan"/> picks partitions (static-partitioned and unpartitioned assets whole), in
    /// partition order, whatever their status: what <c>status --from A --to B</c> shows, without planning.
    /// </summary>
    /// <exception cref="PartitionKeyException">A key of <paramref name="range"/> is not valid for the asset; the message names the valid form.</exception>
    public static IReadOnlyList<PartitionStatusRow> RowsInRange(StatusGrid grid, AssetDefinition asset, PartitionRange range)
    {
        Preconditions.CheckNotNull(grid);
        Preconditions.CheckNotNull(asset);
        Preconditions.CheckNotNull(range);
        var statuses = grid.Find(asset.Key)
            ?? throw new ArgumentException($"The status grid has no asset {asset.Key}: evaluate it from the same graph.", nameof(grid));
        var pick = Pick.Of(statuses, range);
        var rows = new List<PartitionStatusRow>();
        foreach (var i in pick.Positions())
        {
            rows.Add(statuses.Rows[i]);
        }

        return rows;
    }
}

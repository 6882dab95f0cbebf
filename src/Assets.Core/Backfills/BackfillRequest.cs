using Assets.Planning;

namespace Assets.Backfills;

/// <summary>
/// What a backfill covers and how it runs: <c>backfill start</c>'s options. Immutable; invariants are checked as
/// properties are set.
/// </summary>
public sealed record BackfillRequest
{
    private readonly string _selection = "*";
    private readonly PartitionRange _range = PartitionRange.All;
    private readonly int _maxConcurrency = Environment.ProcessorCount;
    private readonly int _maxPartitionsPerRun = 1;

    /// <summary>The assets, in selection syntax (<c>raw_orders+</c>, <c>group:sales</c>, <c>*</c>).</summary>
    public required string Selection
    {
        get => _selection;
        init => _selection = Preconditions.CheckNotBlank(value, nameof(Selection));
    }

    /// <summary>The partitions: a time range, named partitions (a selective backfill) or all.</summary>
    public PartitionRange Range
    {
        get => _range;
        init => _range = Preconditions.CheckNotNull(value, nameof(Range));
    }

    /// <summary>Which partitions in the range run (<c>--reprocess</c>); default missing-or-stale.</summary>
    public PlanMode Reprocess { get; init; } = PlanMode.MissingOrStale;

    /// <summary>Which ready partitions go first; default newest first.</summary>
    public BackfillOrder Order { get; init; } = BackfillOrder.NewestFirst;

    /// <summary>At most this many steps of the backfill run at once; at least 1. Default: the number of cores.</summary>
    public int MaxConcurrency
    {
        get => _maxConcurrency;
        init => _maxConcurrency = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxConcurrency), value, $"The backfill's concurrency must be at least 1, not {value}.");
    }

    /// <summary>
    /// The run policy: 1 (the default) runs one step per partition; more runs consecutive partitions of an asset that
    /// declares <see cref="RangeRunsAttribute"/> in one call of its body, at most this many (and at most the asset's
    /// own limit) per run. Assets without the attribute run one step per partition whatever this says.
    /// </summary>
    public int MaxPartitionsPerRun
    {
        get => _maxPartitionsPerRun;
        init => _maxPartitionsPerRun = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxPartitionsPerRun), value, $"The partitions per run must be at least 1 (one step per partition), not {value}.");
    }

    /// <summary>The reprocess mode as the command line spells it: <c>missing-or-stale</c>, <c>missing</c>, <c>failed-and-missing</c>, <c>all</c>.</summary>
    public static string Describe(PlanMode mode) => mode switch
    {
        PlanMode.Missing => "missing",
        PlanMode.FailedAndMissing => "failed-and-missing",
        PlanMode.Force => "all",
        _ => "missing-or-stale",
    };

    /// <summary>The order as the command line spells it: <c>newest-first</c> or <c>oldest-first</c>.</summary>
    public static string Describe(BackfillOrder order) => order == BackfillOrder.OldestFirst ? "oldest-first" : "newest-first";

    /// <summary>Reads a reprocess mode as <see cref="Describe(PlanMode)"/> spells it.</summary>
    public static bool TryParseReprocess(string? text, out PlanMode mode)
    {
        foreach (var candidate in Enum.GetValues<PlanMode>())
        {
            if (string.Equals(Describe(candidate), text, StringComparison.Ordinal))
            {
                mode = candidate;
                return true;
            }
        }

        mode = PlanMode.MissingOrStale;
        return false;
    }

    /// <summary>Reads an order as <see cref="Describe(BackfillOrder)"/> spells it.</summary>
    public static bool TryParseOrder(string? text, out BackfillOrder order)
    {
        order = text == "oldest-first" ? BackfillOrder.OldestFirst : BackfillOrder.NewestFirst;
        return text is "oldest-first" or "newest-first";
    }
}

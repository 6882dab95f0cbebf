using System.Globalization;

namespace ExampleAssets.Cleaning;

/// <summary>
/// One sentence per partition about the rows <c>clean_orders</c> dropped, by reason with the first lines of each:
/// "dropped 2 of 412 rows: 1 duplicate_order_id (line 944), 1 unparsable_quantity (line 13)". The reasons are named as
/// in the materialization's metadata (<c>dropped_duplicate_order_id</c>), where the counts are kept.
/// </summary>
public static class DroppedRowsSummary
{
    /// <summary>The sentence for <paramref name="outcome"/>; null when no row was dropped.</summary>
    public static string? Describe(CleaningOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.RowsDropped == 0)
        {
            return null;
        }

        var reasons = outcome.Dropped
            .OrderBy(d => d.Key)
            .Select(d => $"{Count(d.Value)} {d.Key.Name()} ({Lines(d.Value, outcome.Examples.Where(e => e.Reason == d.Key).Select(e => e.Line).ToList())})");
        return $"dropped {Count(outcome.RowsDropped)} of {Rows(outcome.RowsIn)}: {string.Join(", ", reasons)}";
    }

    private static string Rows(int count) => count == 1 ? "1 row" : $"{Count(count)} rows";

    private static string Lines(int dropped, List<int> lines)
    {
        var shown = string.Join(", ", lines.Select(Count));
        return (lines.Count == 1 ? "line " : "lines ") + shown + (dropped > lines.Count ? ", …" : string.Empty);
    }

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);
}

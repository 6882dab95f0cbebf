using System.Globalization;
using System.Text.RegularExpressions;

namespace Assets.Hosting.Rendering;

/// <summary>
/// The <c>blocked</c> lines of a plan, a materialization or a backfill's dry run. Neighbouring partitions of one asset
/// blocked for the same cause (their reasons alike but for the partition keys named in them) make one line with the
/// range, the count and the first one's reason: a month of partitions whose upstream was left out of the selection is
/// one line of advice, not thirty-one. <c>--json</c> still lists each.
/// </summary>
internal static partial class BlockedLines
{
    /// <summary>The lines for <paramref name="blocked"/>, in its order.</summary>
    public static IEnumerable<string> Of(IEnumerable<PlanLineItem> blocked)
    {
        ArgumentNullException.ThrowIfNull(blocked);
        var group = new List<PlanLineItem>();
        string? cause = null;
        foreach (var item in blocked)
        {
            var itemCause = CauseOf(item);
            if (group.Count > 0 && (item.Partition is null || group[0].Asset != item.Asset || cause != itemCause))
            {
                yield return Line(group);
                group.Clear();
            }

            group.Add(item);
            cause = itemCause;
        }

        if (group.Count > 0)
        {
            yield return Line(group);
        }
    }

    private static string Line(List<PlanLineItem> group)
    {
        var first = group[0];
        return group.Count == 1
            ? $"blocked  {MaterializeLine.PartitionText(first.Asset, first.Partition)}  ({first.Reason})"
            : string.Create(CultureInfo.InvariantCulture,
                $"blocked  {first.Asset}[{first.Partition}..{group[^1].Partition}]  ({group.Count} partitions; the first: {first.Reason})");
    }

    /// <summary>The reason with every bracketed partition key left out, so that neighbours' reasons compare.</summary>
    private static string CauseOf(PlanLineItem item) => PartitionKeys().Replace(item.Reason, "[]");

    [GeneratedRegex(@"\[[^\[\]]*\]", RegexOptions.CultureInvariant)]
    private static partial Regex PartitionKeys();
}

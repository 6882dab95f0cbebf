using System.Text;
using Assets.Metadata;
using Assets.Partitions;
using Spectre.Console;

namespace Assets.Hosting.Rendering;

/// <summary>One cell of the status grid.</summary>
internal sealed record StatusCell(PartitionKey? Partition, PartitionStatus Status, string? Cause);

/// <summary>One row of the status grid: an asset and its partitions in order.</summary>
internal sealed record StatusRow(AssetKey Asset, IReadOnlyList<StatusCell> Cells);

/// <summary>
/// The partition status grid in a terminal: one line per asset with a strip of coloured cells (one per
/// partition, or per bucket of partitions showing the worst status in it when there are more partitions
/// than columns), then the runs of equal status in words, then every cause.
/// </summary>
internal static class StatusGridView
{
    private const int MaxCells = 62;
    private const int MaxCauses = 20;

    public static void Write(IAnsiConsole console, IReadOnlyList<StatusRow> rows)
    {
        if (rows.Count == 0)
        {
            console.MarkupLine("[grey]No partitions in this selection and range.[/]");
            return;
        }

        var width = rows.Max(r => r.Asset.Value.Length);
        foreach (var row in rows)
        {
            var strip = new StringBuilder();
            foreach (var bucket in Buckets(row.Cells))
            {
                strip.Append('[').Append(Colour(bucket)).Append(']').Append(Glyph(bucket)).Append("[/]");
            }

            console.MarkupLine($"{Markup.Escape(row.Asset.Value.PadRight(width))}  {strip}  [grey]{Markup.Escape(Runs(row.Cells))}[/]");
        }

        console.WriteLine();
        console.MarkupLine(string.Join("  ", Enum.GetValues<PartitionStatus>().Select(s => $"[{Colour(s)}]{Glyph(s)}[/] {StatusStyle.Name(s)}")));
        var causes = rows.SelectMany(r => r.Cells.Where(c => c.Cause is not null).Select(c => (r.Asset, Cell: c))).ToList();
        if (causes.Count > 0)
        {
            console.WriteLine();
            foreach (var (asset, cell) in causes.Take(MaxCauses))
            {
                var name = cell.Partition is { } p ? $"{asset}[{p}]" : asset.Value;
                console.MarkupLine($"[{Colour(cell.Status)}]{StatusStyle.Name(cell.Status)}[/] {Markup.Escape(name)}: {Markup.Escape(cell.Cause!)}");
            }

            if (causes.Count > MaxCauses)
            {
                console.MarkupLine($"[grey]... and {causes.Count - MaxCauses} more (status --json lists every cause).[/]");
            }
        }
    }

    /// <summary>Runs of equal status in words: <c>2026-01-01..2026-01-27 published, 2026-01-28..2026-01-31 stale</c>.</summary>
    public static string Runs(IReadOnlyList<StatusCell> cells)
    {
        var runs = new List<string>();
        var start = 0;
        for (var i = 1; i <= cells.Count; i++)
        {
            if (i == cells.Count || cells[i].Status != cells[start].Status)
            {
                var first = cells[start].Partition?.Value;
                var last = cells[i - 1].Partition?.Value;
                var range = first is null ? string.Empty : (i - 1 == start ? first : $"{first}..{last}") + " ";
                var count = i - start > 1 ? $" ({i - start})" : string.Empty;
                runs.Add(range + StatusStyle.Name(cells[start].Status) + count);
                start = i;
            }
        }

        return string.Join(", ", runs);
    }

    /// <summary>The worst status of each bucket when the partitions outnumber the columns, else one per partition.</summary>
    private static IEnumerable<PartitionStatus> Buckets(IReadOnlyList<StatusCell> cells)
    {
        var buckets = Math.Min(cells.Count, MaxCells);
        for (var b = 0; b < buckets; b++)
        {
            var (from, to) = StatusStyle.BucketBounds(cells.Count, buckets, b);
            yield return StatusStyle.WorstIn(cells, from, to, c => c.Status).Worst;
        }
    }

    private static string Glyph(PartitionStatus status) => status switch
    {
        PartitionStatus.Published => "█",
        PartitionStatus.Stale => "▒",
        PartitionStatus.Missing => "·",
        PartitionStatus.Running => "▶",
        PartitionStatus.Waiting => "…",
        PartitionStatus.Quarantined => "Q",
        _ => "X",
    };

    private static string Colour(PartitionStatus status) => status switch
    {
        PartitionStatus.Published => "green",
        PartitionStatus.Stale => "yellow",
        PartitionStatus.Missing => "grey",
        PartitionStatus.Running => "blue",
        PartitionStatus.Waiting => "aqua",
        PartitionStatus.Quarantined => "fuchsia",
        _ => "red",
    };
}

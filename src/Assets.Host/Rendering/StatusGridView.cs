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

    /// <summary>
    /// Draws <paramref name="rows"/>; <paramref name="derivedCodeVersions"/> names the assets whose code version is derived
    /// from their method bodies (the others are not considered for the rebuilt-program hint; <c>null</c>: every asset).
    /// </summary>
    public static void Write(IAnsiConsole console, IReadOnlyList<StatusRow> rows, IReadOnlySet<AssetKey>? derivedCodeVersions = null)
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

            if (EveryCodeVersionChanged(rows, derivedCodeVersions))
            {
                console.WriteLine();
                console.MarkupLine($"[grey]{Markup.Escape(BuildChangedHint)}[/]");
            }
        }
    }

    /// <summary>Said when every published partition of the assets with derived code versions is stale for a new code version.</summary>
    internal const string BuildChangedHint =
        "Every derived code version changed (those of the assets without an explicit CodeVersion): was this program "
        + "built another way than the one that published them? A Debug build (dotnet run) and a Release build (dotnet "
        + "publish) compile to different IL, and so does another compiler. Run the same configuration (dotnet run -c "
        + "Release matches a publish) or give the assets explicit CodeVersions; if the code did change, materialize them.";

    /// <summary>
    /// Whether the assets with derived code versions have published partitions and every one of them is stale for a
    /// changed code version: a sign of a program built another way (configuration, compiler) rather than of edited
    /// asset methods, which would leave the unedited assets published.
    /// </summary>
    private static bool EveryCodeVersionChanged(IReadOnlyList<StatusRow> rows, IReadOnlySet<AssetKey>? derived)
    {
        var assets = 0;
        foreach (var row in rows)
        {
            if (derived is not null && !derived.Contains(row.Asset))
            {
                continue;
            }

            var published = false;
            foreach (var cell in row.Cells)
            {
                if (cell.Status == PartitionStatus.Published
                    || (cell.Status == PartitionStatus.Stale && cell.Cause?.StartsWith("code version changed", StringComparison.Ordinal) != true))
                {
                    return false;
                }

                published |= cell.Status == PartitionStatus.Stale;
            }

            assets += published ? 1 : 0;
        }

        return assets >= 1;
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

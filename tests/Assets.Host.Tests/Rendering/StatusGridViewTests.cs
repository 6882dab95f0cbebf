using Assets.Hosting.CommandLine;
using Assets.Hosting.Rendering;
using Assets.Metadata;
using Assets.Partitions;

namespace Assets.Host.Tests.Rendering;

public sealed class StatusGridViewTests
{
    private const string CodeChanged = "code version changed from 235bbde5… to b4eead0f…";

    [Fact]
    public void EveryPublishedPartitionStaleForItsCodeVersion_AsksWhetherTheProgramWasBuiltAnotherWay()
    {
        var output = Draw(
            null,
            Row("raw_sales", (PartitionStatus.Stale, CodeChanged), (PartitionStatus.Stale, CodeChanged), (PartitionStatus.Missing, null)),
            Row("daily_totals", (PartitionStatus.Stale, CodeChanged), (PartitionStatus.Failed, "boom")));

        Assert.Contains("Every derived code version changed", output, StringComparison.Ordinal);
        Assert.Contains("dotnet run -c Release", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PartitionStatus.Published, null)]
    [InlineData(PartitionStatus.Stale, "upstream raw_sales[2026-01-01] was republished with another data version (1 → 2)")]
    public void APartitionPublishedOrStaleForAnotherCause_GetsNoSuchHint(PartitionStatus status, string? cause)
    {
        var output = Draw(
            null,
            Row("raw_sales", (PartitionStatus.Stale, CodeChanged), (status, cause)),
            Row("daily_totals", (PartitionStatus.Stale, CodeChanged)));

        Assert.DoesNotContain("Every derived code version changed", output, StringComparison.Ordinal);
    }

    [Fact]
    public void AssetsWithAnExplicitCodeVersion_AreLeftOut_TheOneDerivedAssetAllStaleGetsTheHint()
    {
        StatusRow[] rows =
        [
            Row("clean_orders", (PartitionStatus.Published, null), (PartitionStatus.Published, null)),
            Row("rolling_revenue", (PartitionStatus.Stale, CodeChanged), (PartitionStatus.Stale, CodeChanged)),
        ];

        Assert.Contains("Every derived code version changed", Draw(new HashSet<AssetKey> { AssetKey.Parse("rolling_revenue") }, rows), StringComparison.Ordinal);
        Assert.DoesNotContain("Every derived code version changed", Draw(null, rows), StringComparison.Ordinal);
    }

    private static StatusRow Row(string asset, params (PartitionStatus Status, string? Cause)[] cells)
        => new(AssetKey.Parse(asset), cells.Select((c, i) => new StatusCell(new PartitionKey($"2026-01-0{i + 1}"), c.Status, c.Cause)).ToArray());

    private static string Draw(IReadOnlySet<AssetKey>? derived, params StatusRow[] rows)
    {
        using var output = new StringWriter();
        StatusGridView.Write(Terminal.ForWriters(output, TextWriter.Null, width: 80).Console, rows, derived);
        // The hint wraps at 80 columns: compared as words.
        return string.Join(' ', output.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }
}

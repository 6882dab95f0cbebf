using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using Assets.Planning;
using NodaTime;

namespace Assets.Core.Tests.Planning;

/// <summary>The grid's compact rows give back exactly the rows they were given, whatever kind of stored state each holds.</summary>
public sealed class StatusRowsTests
{
    private static readonly AssetKey Asset = AssetKey.Parse("sales");
    private static readonly Instant At = Instant.FromUtc(2026, 1, 31, 0, 0);
    private static readonly PartitionSpace Space = PartitionSpace.Of(new StaticPartitionsDefinition("a", "b", "c", "d", "e", "f"), At);

    [Fact]
    public void Indexer_EveryKindOfRow_GivesBackAnEqualRowWithTheSameStoredSource()
    {
        var columns = new FakeStoredStates("columns");
        var other = new FakeStoredStates("other");
        var listed = new PartitionState(Row(2), PartitionStatus.Failed, "boom", null, null, null, null, null, At);
        var sharedCause = "upstream sales/a changed";
        var given = new[]
        {
            new PartitionStatusRow(Row(0), PartitionStatus.Missing, null, null),
            new PartitionStatusRow(Row(1), PartitionStatus.Stale, sharedCause, columns, 7) { SourceChangedSince = true },
            new PartitionStatusRow(Row(2), PartitionStatus.Failed, "boom", listed) { AwaitsSource = true },
            new PartitionStatusRow(Row(3), PartitionStatus.Stale, sharedCause, columns, 0),

            // Kept whole: a stored state from a second source, and a partition that is not the position's.
            new PartitionStatusRow(Row(4), PartitionStatus.Published, null, other, 3),
            new PartitionStatusRow(new AssetPartition(Asset, new PartitionKey("zz")), PartitionStatus.Waiting, "late", null),
        };
        var rows = new StatusRows(Asset, Space);
        for (var i = 0; i < given.Length; i++)
        {
            rows[i] = given[i];
        }

        Assert.Equal(given, rows);
        for (var i = 0; i < given.Length; i++)
        {
            Assert.Same(given[i].StoredSource, rows[i].StoredSource);
            Assert.Equal(given[i].StoredIndex, rows[i].StoredIndex);
            Assert.Equal(given[i].Status, rows.StatusAt(i));
        }

        Assert.Equal("columns#7", rows[1].Stored!.Cause);
        Assert.Equal("other#3", rows[4].Stored!.Cause);
    }

    [Fact]
    public void Indexer_RowKeptWholeThenSetCompactly_GivesBackTheNewRow()
    {
        var rows = new StatusRows(Asset, Space);
        rows[5] = new PartitionStatusRow(Row(5), PartitionStatus.Published, null, new FakeStoredStates("second"), 1);
        rows[0] = new PartitionStatusRow(Row(0), PartitionStatus.Published, null, new FakeStoredStates("first"), 1);

        rows[5] = new PartitionStatusRow(Row(5), PartitionStatus.Missing, "never run", null);
        rows.Set(0, PartitionStatus.Running, "leased", columns: null, storedIndex: -1, sourceChangedSince: false);

        Assert.Equal(new PartitionStatusRow(Row(5), PartitionStatus.Missing, "never run", null), rows[5]);
        Assert.Equal(new PartitionStatusRow(Row(0), PartitionStatus.Running, "leased", null), rows[0]);
        Assert.Equal(PartitionStatus.Missing, rows.StatusAt(5));
    }

    private static AssetPartition Row(int position) => new(Asset, Space.Keys[position]);

    /// <summary>Stored states whose state at an index says where it came from in its cause.</summary>
    private sealed class FakeStoredStates(string name) : IStoredStates
    {
        public PartitionState Get(int index) => new(Row(0), PartitionStatus.Published, $"{name}#{index}", null, "v", null, null, null, At);

        public PartitionState Peek(int index) => Get(index);

        public bool HasDataVersion(int index) => true;

        public string? DataVersion(int index) => "v";
    }
}

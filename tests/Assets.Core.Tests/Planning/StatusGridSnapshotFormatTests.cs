using Assets.Graph;
using Assets.Metadata;
using Assets.Planning;
using Assets.Core.Tests.Planning.Fixtures;
using NodaTime;

namespace Assets.Core.Tests.Planning;

/// <summary>
/// Decoding a status-grid snapshot: rows come back equal to the evaluated grid's, each row's stored state is made only
/// when asked for (and then kept), and a damaged payload is still refused up front.
/// </summary>
public sealed class StatusGridSnapshotFormatTests
{
    private static readonly Instant AsOf = Instant.FromUtc(2030, 1, 1, 0, 0);

    private readonly AssetGraph _graph = new AssetGraphBuilder().AddTypes(typeof(GrowingProject)).Build();

    [Fact]
    public void ADecodedGrid_AnswersEveryRowAndStoredStateAsTheEvaluatedGrid()
    {
        var evaluated = Evaluated();

        var decoded = StatusGridSnapshotFormat.TryRead(_graph, new PartitionSpace.Cache(AsOf), AsOf, StatusGridSnapshotFormat.Write(evaluated));

        Assert.NotNull(decoded);
        Assert.Equal(evaluated.Rows, decoded.Rows);
        Assert.Equal(evaluated.Rows.Select(r => r.Stored), decoded.Rows.Select(r => r.Stored));
        Assert.Equal(evaluated.Rows.Select(r => r.GetHashCode()), decoded.Rows.Select(r => r.GetHashCode()));
        Assert.Equal(evaluated.Rows.Select(r => r.ToString()), decoded.Rows.Select(r => r.ToString()));
    }

    [Fact]
    public void Decoding_MakesNoStoredStateUntilOneIsAskedFor()
    {
        var evaluated = Evaluated();
        var payload = StatusGridSnapshotFormat.Write(evaluated);
        var spaces = new PartitionSpace.Cache(AsOf);
        _ = StatusGridSnapshotFormat.TryRead(_graph, spaces, AsOf, payload); // compiled and the spaces made before measuring

        var before = GC.GetAllocatedBytesForCurrentThread();
        var decoded = StatusGridSnapshotFormat.TryRead(_graph, spaces, AsOf, payload);
        var perRow = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)evaluated.Count;

        // The row itself (about 48 bytes in its asset's array) and where its state starts; making every state (an id,
        // a 64-digit version and the record) took about 500 bytes a row.
        Assert.NotNull(decoded);
        Assert.InRange(perRow, 0, 120);
    }

    [Fact]
    public void AStoredState_IsMadeOnce_EvenWhenThreadsAskForItAtOnce()
    {
        var decoded = StatusGridSnapshotFormat.TryRead(_graph, new PartitionSpace.Cache(AsOf), AsOf, StatusGridSnapshotFormat.Write(Evaluated()))!;
        var rows = decoded.RowsOf(AssetKey.Parse("events"));

        var seen = new PartitionState?[4][];
        Parallel.For(0, seen.Length, t => seen[t] = [.. rows.Select(r => r.Stored)]);

        for (var i = 0; i < rows.Count; i++)
        {
            Assert.NotNull(seen[0][i]);
            Assert.All(seen, states => Assert.Same(seen[0][i], states[i]));
            Assert.Same(seen[0][i], rows[i].Stored);
        }
    }

    [Fact]
    public void APayloadCutInsideTheLastStoredState_IsRefusedUpFront()
    {
        var payload = StatusGridSnapshotFormat.Write(Evaluated());

        Assert.Null(StatusGridSnapshotFormat.TryRead(_graph, new PartitionSpace.Cache(AsOf), AsOf, payload.AsMemory(0, payload.Length - 1)));
    }

    /// <summary>Every daily partition of events published (some failed after), each with its id, a 64-digit hex version and times; the summary never made.</summary>
    private StatusGrid Evaluated()
    {
        var events = _graph[AssetKey.Parse("events")];
        var spaces = new PartitionSpace.Cache(AsOf);
        var keys = spaces.Get(events.Partitions).Keys;
        var states = keys.Select((key, i) => new PartitionState(
            new AssetPartition(events.Key, key),
            i % 97 == 0 ? PartitionStatus.Failed : PartitionStatus.Published,
            i % 97 == 0 ? "boom" : null,
            MaterializationId.New(),
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i))),
            events.CodeVersion,
            i + 1,
            AsOf - Duration.FromHours(keys.Length - i),
            AsOf - Duration.FromMinutes(keys.Length - i))).ToList();
        return StatusEvaluator.Evaluate(_graph, states, new Dictionary<AssetPartition, IReadOnlyList<UpstreamVersion>>(), AsOf);
    }
}

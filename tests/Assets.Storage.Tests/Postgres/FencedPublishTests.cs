using Assets.Metadata;
using Assets.Storage.Metadata.Postgres;
using Assets.Storage.Objects.Memory;
using Assets.Storage.Publishing;
using Assets.Storage.Tests.Publishing;
using NodaTime;
using NodaTime.Testing;
using static Assets.Storage.Tests.Publishing.ProtocolHarness;

namespace Assets.Storage.Tests.Postgres;

/// <summary>
/// The publish protocol over the shared store: a holder that stalled past its lease, while another run took the
/// partition and published, cannot publish nor touch the partition's state; a heartbeat keeps a long step's lease.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class FencedPublishTests(PostgresCluster cluster) : IAsyncLifetime
{
    private static readonly Duration Lease = Duration.FromMinutes(10);
    private readonly InMemoryObjectStore _objects = new(enforcesConditionalWrites: true);
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 1, 6, 3, 0));
    private readonly string _staging = Path.Combine(Path.GetTempPath(), "assets-fenced-" + Guid.NewGuid().ToString("N"));
    private PostgresMetadataStore _metadata = null!;

    public async Task InitializeAsync() => _metadata = await new PostgresStoreUnderTest(cluster).OpenAsync(_clock);

    public async Task DisposeAsync()
    {
        await _metadata.DisposeAsync();
        if (Directory.Exists(_staging))
        {
            Directory.Delete(_staging, recursive: true);
        }
    }

    private PartitionPublisher Publisher(IClock clock, Duration lease, Duration? heartbeat = null)
        => new(_objects, _metadata, clock, new PublisherOptions { LeaseDuration = lease, HeartbeatInterval = heartbeat, StagingDirectory = _staging });

    [Fact]
    public async Task StalledHolder_AfterAnotherRunPublished_IsRefused_OverwritesNothing_AndLeavesTheStateAlone()
    {
        // The heartbeat would beat only after 9 minutes: the stalled process never renews.
        var publisher = Publisher(_clock, Lease, Duration.FromMinutes(9));
        await using var stalled = await publisher.BeginAsync(Day, RunId.New());
        await StageAsync(stalled, Rows(3, seed: 1));
        Assert.Equal(1, stalled.Lease!.Epoch);

        _clock.Advance(Duration.FromMinutes(11));
        await using (var other = await publisher.BeginAsync(Day, RunId.New()))
        {
            Assert.Equal(2, other.Lease!.Epoch);
            await StageAsync(other, Rows(5, seed: 2));
            await ManifestAsync(other);
            await other.PublishAsync();
        }

        var winner = await _metadata.GetStateAsync(Day);
        await ManifestAsync(stalled);
        var refused = await Assert.ThrowsAsync<LeaseLostException>(() => stalled.PublishAsync());
        await stalled.FailAsync(refused.Message);

        Assert.Equal(1, refused.Epoch);
        var (pointer, _) = await PublishedPartitions.ReadPointerAsync(_objects, Day);
        Assert.Equal(winner!.MaterializationId, pointer!.MaterializationId);
        Assert.Equal(winner, await _metadata.GetStateAsync(Day));
        Assert.Equal(PartitionStatus.Published, winner.Status);
        Assert.Equal(winner.MaterializationId, Assert.Single(await _metadata.GetMaterializationsAsync(Day)).Id);
    }

    [Fact]
    public async Task StalledHolder_WhileTheOtherRunStillHoldsTheLease_CannotPublish_NorMarkItsStepFailed()
    {
        var publisher = Publisher(_clock, Lease, Duration.FromMinutes(9));
        var stalled = await publisher.BeginAsync(Day, RunId.New());
        await StageAsync(stalled, Rows(3, seed: 1));
        await ManifestAsync(stalled);

        _clock.Advance(Duration.FromMinutes(11));
        await using var other = await publisher.BeginAsync(Day, RunId.New());
        var running = await _metadata.GetStateAsync(Day);

        await Assert.ThrowsAsync<LeaseLostException>(() => stalled.PublishAsync());
        await stalled.FailAsync("lost");
        await stalled.DisposeAsync();

        Assert.Null((await PublishedPartitions.ReadPointerAsync(_objects, Day)).Current);
        Assert.Equal(running, await _metadata.GetStateAsync(Day));
        Assert.Equal(PartitionStatus.Running, running!.Status);
        Assert.Equal(other.RunId, (await _metadata.GetLeaseAsync(Day))!.Holder);
    }

    [Fact]
    public async Task SameRun_ClaimedAgainUnderAnotherLeaseHolder_FencesTheEarlierAttemptOff_AndRecordsTheConflict()
    {
        // A worker's claim of a step of run R, then (after it stalled past its claim) another worker's claim of the same
        // step of the same run: each holds the lease under its own identity, so the lease changes hands.
        var run = RunId.New();
        var publisher = Publisher(_clock, Lease, Duration.FromMinutes(9));
        var firstClaim = RunId.New();
        await using var stalled = await publisher.BeginAsync(Day, run, firstClaim);
        await StageAsync(stalled, Rows(3, seed: 1));
        await ManifestAsync(stalled);

        _clock.Advance(Duration.FromMinutes(11));
        await using (var again = await publisher.BeginAsync(Day, run, RunId.New()))
        {
            Assert.Equal((2L, run), (again.Lease!.Epoch, again.RunId));
            await StageAsync(again, Rows(5, seed: 2));
            await ManifestAsync(again);
            await again.PublishAsync();
        }

        var winner = await _metadata.GetStateAsync(Day);
        var refused = await Assert.ThrowsAsync<LeaseLostException>(() => stalled.PublishAsync());
        await stalled.FailAsync(refused.Message);

        Assert.Equal(1, refused.Epoch);
        Assert.Equal(winner!.MaterializationId, (await PublishedPartitions.ReadPointerAsync(_objects, Day)).Current!.MaterializationId);
        Assert.Equal(winner, await _metadata.GetStateAsync(Day));
        var conflict = Assert.Single(await _metadata.GetEventsAsync(run, Day), e => e.Kind == RunEventKind.LeaseLost);
        Assert.Contains($"materialization {stalled.Id} lost the partition's lease (epoch 1, holder {firstClaim})", conflict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StalledHolder_AbandonedAfterAnotherPublished_BeforeItsHeartbeatNoticed_LeavesTheNewStateAlone()
    {
        // The stalled process wakes and is cancelled before its heartbeat beats again: putting back the state it found
        // (missing) would hide the other run's publish.
        var publisher = Publisher(_clock, Lease, Duration.FromMinutes(9));
        var stalled = await publisher.BeginAsync(Day, RunId.New());
        await StageAsync(stalled, Rows(3, seed: 1));

        _clock.Advance(Duration.FromMinutes(11));
        await using (var other = await publisher.BeginAsync(Day, RunId.New()))
        {
            await StageAsync(other, Rows(5, seed: 2));
            await ManifestAsync(other);
            await other.PublishAsync();
        }

        var winner = await _metadata.GetStateAsync(Day);
        await stalled.DisposeAsync();

        Assert.Equal(PartitionStatus.Published, winner!.Status);
        Assert.Equal(winner, await _metadata.GetStateAsync(Day));
        Assert.Contains(await _metadata.GetEventsAsync(stalled.RunId, Day), e => e.Kind == RunEventKind.LeaseLost);
    }

    [Fact]
    public async Task Heartbeat_KeepsALongStepsLease_PastItsDuration()
    {
        var lease = Duration.FromMilliseconds(1500);
        var publisher = Publisher(SystemClock.Instance, lease, Duration.FromMilliseconds(250));
        await using var slow = await publisher.BeginAsync(Day, RunId.New());

        await Task.Delay(lease.ToTimeSpan() * 2);

        Assert.False(await _metadata.TryAcquireLeaseAsync(Day, RunId.New(), SystemClock.Instance.GetCurrentInstant(), lease));
        await StageAsync(slow, Rows(2));
        await ManifestAsync(slow);
        await slow.PublishAsync();
        Assert.Equal(PartitionStatus.Published, (await _metadata.GetStateAsync(Day))!.Status);
    }
}

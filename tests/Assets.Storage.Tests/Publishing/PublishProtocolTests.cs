using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using Assets.Storage.Maintenance;
using Assets.Storage.Objects;
using Assets.Storage.Objects.Memory;
using Assets.Storage.Parquet;
using Assets.Storage.Publishing;
using NodaTime;

namespace Assets.Storage.Tests.Publishing;

public sealed class PublishProtocolTests
{
    private static readonly AssetPartition Day = ProtocolHarness.Day;

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Local)]
    public async Task Publish_ReadersResolvePointerManifestAndFiles(StoreKind kind)
    {
        await using var harness = await ProtocolHarness.CreateAsync(kind);
        var rows = ProtocolHarness.Rows(1000);

        var pointer = await harness.PublishAsync(rows);

        Assert.Equal(rows, await harness.ReadAsync());
        Assert.Equal(1, pointer.Sequence);
        var manifest = await PublishedPartitions.ReadCurrentManifestAsync(harness.Store, Day);
        Assert.Equal(pointer.DataVersion, manifest!.DataVersion);
        Assert.Equal(1000, manifest.RowCount);
        var file = Assert.Single(manifest.Files);
        Assert.Equal($"data/sales/orders/2026-01-05/{pointer.MaterializationId}/part-00000.parquet", file.Path);
        var state = await harness.Metadata.GetStateAsync(Day);
        Assert.Equal((PartitionStatus.Published, pointer.MaterializationId, pointer.DataVersion, 1L), (state!.Status, state.MaterializationId, state.DataVersion, state.Sequence));
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Local)]
    public async Task SameInputTwice_GivesTheSameDataVersionAndBytes(StoreKind kind)
    {
        await using var harness = await ProtocolHarness.CreateAsync(kind);
        var rows = ProtocolHarness.Rows(5000);

        var first = await harness.PublishAsync(rows);
        var firstManifest = await PublishedPartitions.ReadManifestAsync(harness.Store, Day, first.MaterializationId);
        var second = await harness.PublishAsync(rows);
        var secondManifest = await PublishedPartitions.ReadManifestAsync(harness.Store, Day, second.MaterializationId);

        Assert.NotEqual(first.MaterializationId, second.MaterializationId);
        Assert.Equal(first.DataVersion, second.DataVersion);
        Assert.Equal(firstManifest.Files[0].Sha256, secondManifest.Files[0].Sha256);
        Assert.Equal(await harness.ReadBytesAsync(firstManifest.Files[0].Path), await harness.ReadBytesAsync(secondManifest.Files[0].Path));
        Assert.Equal(2, second.Sequence);
        Assert.NotEqual(first.DataVersion, (await harness.PublishAsync(ProtocolHarness.Rows(5000, seed: 1))).DataVersion);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Local)]
    public async Task StageFile_RecordsTheSizeAndChecksumOfTheBytesStored(StoreKind kind)
    {
        await using var harness = await ProtocolHarness.CreateAsync(kind);
        await using var publication = await harness.Publisher.BeginAsync(Day, RunId.New());
        var content = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 31 % 251)).ToArray();

        // Writes of odd sizes through each kind of call: the checksum is taken as the bytes pass, so each must count once.
        var staged = await publication.StageFileAsync(async (stream, ct) =>
        {
            Assert.False(stream.CanSeek);
            stream.WriteByte(content[0]);
            stream.Write(content, 1, 6_999);
            await stream.WriteAsync(content.AsMemory(7_000, 93_000), ct);
            await stream.WriteAsync(content.AsMemory(100_000, 200_000), ct);
            return 42;
        });

        var stored = await harness.ReadBytesAsync(staged.Path);
        Assert.Equal(content, stored);
        Assert.Equal(content.Length, staged.Size);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), staged.Sha256);
        Assert.Equal(42, staged.Rows);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Local)]
    public async Task StageFile_OfParquetRows_AgreesWithTheWritersSummaryAndTheStoredBytes(StoreKind kind)
    {
        await using var harness = await ProtocolHarness.CreateAsync(kind);
        await using var publication = await harness.Publisher.BeginAsync(Day, RunId.New());
        RecordFileSummary? summary = null;

        // The writer shares the staging stream's hash rather than computing its own: both must still be right.
        var staged = await publication.StageFileAsync(async (stream, ct) =>
        {
            summary = await ParquetRecordFormat.WriteAsync(ProtocolHarness.Rows(3000), stream, new ParquetWriteOptions { RowGroupSize = 1000 }, ct);
            return summary.Rows;
        });

        var stored = await harness.ReadBytesAsync(staged.Path);
        var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stored));
        Assert.Equal((sha256, stored.LongLength, 3000L), (staged.Sha256, staged.Size, staged.Rows));
        Assert.Equal((sha256, stored.LongLength), (summary!.Sha256, summary.Bytes));
    }

    public enum CrashPoint
    {
        AfterClaim,
        InsideDataFileWrite,
        AfterStage,
        InsideManifestWrite,
        AfterManifest,
        InsidePointerWrite,
    }

    [Theory]
    [InlineData(CrashPoint.AfterClaim)]
    [InlineData(CrashPoint.InsideDataFileWrite)]
    [InlineData(CrashPoint.AfterStage)]
    [InlineData(CrashPoint.InsideManifestWrite)]
    [InlineData(CrashPoint.AfterManifest)]
    [InlineData(CrashPoint.InsidePointerWrite)]
    public async Task CrashBeforeThePointerIsReplaced_LeavesThePreviousVersionIntactAndTheNextRunCompletes(CrashPoint crash)
    {
        await using var harness = await ProtocolHarness.CreateAsync();
        var v1 = ProtocolHarness.Rows(300, seed: 1);
        var before = await harness.PublishAsync(v1);

        // The crashed run: its publication is abandoned, never disposed, as when the process is killed.
        var crashed = await harness.Publisher.BeginAsync(Day, RunId.New());
        await RunUntilCrashAsync(harness, crashed, crash, ProtocolHarness.Rows(300, seed: 2));

        Assert.Equal(v1, await harness.ReadAsync());
        Assert.Equal(before, (await PublishedPartitions.ReadPointerAsync(harness.Store, Day)).Current);
        Assert.True((await new RootVerifier(harness.Store).VerifyAsync()).IsIntact);

        // Its lease keeps others out until it expires; then the next run completes.
        await Assert.ThrowsAsync<PartitionLeasedException>(() => harness.Publisher.BeginAsync(Day, RunId.New()));
        harness.Clock.Advance(Duration.FromMinutes(11));
        var v3 = ProtocolHarness.Rows(300, seed: 3);
        var after = await harness.PublishAsync(v3);

        Assert.Equal(v3, await harness.ReadAsync());
        Assert.Equal(2, after.Sequence);
        Assert.Equal(PartitionStatus.Published, (await harness.Metadata.GetStateAsync(Day))!.Status);
    }

    private static async Task RunUntilCrashAsync(ProtocolHarness harness, Publication publication, CrashPoint crash, Sale[] rows)
    {
        if (crash == CrashPoint.AfterClaim)
        {
            return;
        }

        if (crash == CrashPoint.InsideDataFileWrite)
        {
            harness.Memory.Faults.FailNextWriteAfterBytes(200, StorageLayout.DataFile(Day, publication.Id, 0));
            await Assert.ThrowsAsync<InjectedFaultException>(() => ProtocolHarness.StageAsync(publication, rows));
            Assert.Null(await harness.Store.GetSizeAsync(StorageLayout.DataFile(Day, publication.Id, 0)));
            return;
        }

        await ProtocolHarness.StageAsync(publication, rows);
        if (crash == CrashPoint.AfterStage)
        {
            return;
        }

        if (crash == CrashPoint.InsideManifestWrite)
        {
            harness.Memory.Faults.FailNextWriteAfterBytes(50, StorageLayout.ManifestOf(Day, publication.Id));
            await Assert.ThrowsAsync<InjectedFaultException>(() => ProtocolHarness.ManifestAsync(publication));
            Assert.Null(await harness.Store.GetSizeAsync(StorageLayout.ManifestOf(Day, publication.Id)));
            return;
        }

        await ProtocolHarness.ManifestAsync(publication);
        if (crash == CrashPoint.AfterManifest)
        {
            return;
        }

        harness.Memory.Faults.FailWhen(call => call.Operation == ObjectStoreOperation.ReplaceIfMatch, times: 1);
        await Assert.ThrowsAsync<InjectedFaultException>(() => publication.PublishAsync());
    }

    [Fact]
    public async Task CrashAfterThePointerBeforeTheRecord_PublishesTheNewVersionAndReconciliationRecordsIt()
    {
        await using var harness = await ProtocolHarness.CreateAsync();
        await harness.PublishAsync(ProtocolHarness.Rows(100, seed: 1));
        var durable = harness.Metadata;
        harness.UseMetadata(new FailingRecordMetadataStore(durable));
        var v2 = ProtocolHarness.Rows(100, seed: 2);

        var crashed = await harness.Publisher.BeginAsync(Day, RunId.New());
        await ProtocolHarness.StageAsync(crashed, v2);
        var manifest = await ProtocolHarness.ManifestAsync(crashed);
        await Assert.ThrowsAsync<IOException>(() => crashed.PublishAsync());

        // Readers already get the new version; the store still records the old one until reconciliation.
        Assert.Equal(v2, await harness.ReadAsync());
        Assert.NotEqual(crashed.Id, (await durable.GetStateAsync(Day))!.MaterializationId);
        var report = await new PointerReconciler(harness.Store, durable, harness.Clock).ReconcileAsync();

        Assert.Equal(1, report.Updated);
        var state = await durable.GetStateAsync(Day);
        Assert.Equal((PartitionStatus.Published, crashed.Id, manifest.DataVersion, 2L), (state!.Status, state.MaterializationId, state.DataVersion, state.Sequence));
    }

    [Fact]
    public async Task TwoPublishersOnOnePartition_OneWinsAndTheOtherGetsAConflictNamingTheWinner()
    {
        // Two machines: one object store, two metadata stores, so no shared lease keeps them apart.
        await using var harness = await ProtocolHarness.CreateAsync();
        await harness.PublishAsync(ProtocolHarness.Rows(10, seed: 0));
        var machineA = harness.Publisher;
        await harness.OpenMetadataAsync("machine-b.duckdb");
        var machineB = harness.Publisher;

        await using var a = await machineA.BeginAsync(Day, RunId.New());
        await using var b = await machineB.BeginAsync(Day, RunId.New());
        Assert.Equal(a.FencingToken, b.FencingToken);
        await ProtocolHarness.StageAsync(a, ProtocolHarness.Rows(10, seed: 1));
        await ProtocolHarness.StageAsync(b, ProtocolHarness.Rows(10, seed: 2));
        await ProtocolHarness.ManifestAsync(a);
        await ProtocolHarness.ManifestAsync(b);

        await a.PublishAsync();
        var conflict = await Assert.ThrowsAsync<PublishConflictException>(() => b.PublishAsync());

        Assert.Equal(a.Id, conflict.Winner);
        Assert.Equal(b.Id, conflict.Lost);
        Assert.Contains($"materialization {a.Id}", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(ProtocolHarness.Rows(10, seed: 1), await harness.ReadAsync());
    }

    [Fact]
    public async Task ManyConcurrentPublishers_ExactlyOneWins()
    {
        await using var harness = await ProtocolHarness.CreateAsync();
        var publishers = new List<PartitionPublisher>();
        for (var i = 0; i < 6; i++)
        {
            await harness.OpenMetadataAsync($"machine-{i}.duckdb");
            publishers.Add(harness.Publisher);
        }

        // Every publisher claims (reads the same fencing token) before any of them publishes.
        var publications = new List<Publication>();
        foreach (var (publisher, i) in publishers.Select((p, i) => (p, i)))
        {
            var publication = await publisher.BeginAsync(Day, RunId.New());
            await ProtocolHarness.StageAsync(publication, ProtocolHarness.Rows(50, seed: i));
            await ProtocolHarness.ManifestAsync(publication);
            publications.Add(publication);
        }

        var outcomes = await Task.WhenAll(publications.Select((publication, i) => Task.Run(async () =>
        {
            try
            {
                await publication.PublishAsync();
                return (Won: true, i);
            }
            catch (PublishConflictException)
            {
                return (Won: false, i);
            }
            finally
            {
                await publication.DisposeAsync();
            }
        })));

        var winner = Assert.Single(outcomes, o => o.Won);
        Assert.Equal(ProtocolHarness.Rows(50, seed: winner.i), await harness.ReadAsync());
    }

    [Fact]
    public async Task StoreWithoutConditionalWrites_TheLeaseKeepsASecondRunOut()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Memory, enforcesConditionalWrites: false);
        var holder = RunId.New();
        await using var first = await harness.Publisher.BeginAsync(Day, holder);

        var refused = await Assert.ThrowsAsync<PartitionLeasedException>(() => harness.Publisher.BeginAsync(Day, RunId.New()));

        Assert.Contains($"sales/orders[2026-01-05] is being materialized by run {holder}", refused.Message, StringComparison.Ordinal);
        Assert.Equal(holder, refused.Holder);
    }

    [Fact]
    public async Task ALongMaterialization_RenewsItsLeaseSoItNeverLapsesBetweenSteps()
    {
        await using var harness = await ProtocolHarness.CreateAsync();
        await using var slow = await harness.Publisher.BeginAsync(Day, RunId.New());

        harness.Clock.Advance(Duration.FromMinutes(6));
        await ProtocolHarness.StageAsync(slow, ProtocolHarness.Rows(10));
        harness.Clock.Advance(Duration.FromMinutes(6));

        // Twelve minutes after the claim the first ten-minute lease would have lapsed; the renewal at six holds.
        await Assert.ThrowsAsync<PartitionLeasedException>(() => harness.Publisher.BeginAsync(Day, RunId.New()));
        await ProtocolHarness.ManifestAsync(slow);
        await slow.PublishAsync();
        Assert.Equal(ProtocolHarness.Rows(10), await harness.ReadAsync());
    }

    [Fact]
    public async Task Quarantine_PublishesNothingKeepsTheStagedFilesAndSaysWhere()
    {
        await using var harness = await ProtocolHarness.CreateAsync();
        var v1 = ProtocolHarness.Rows(10, seed: 1);
        await harness.PublishAsync(v1);

        var publication = await harness.Publisher.BeginAsync(Day, RunId.New());
        var staged = await ProtocolHarness.StageAsync(publication, ProtocolHarness.Rows(10, seed: 2));
        var check = new CheckRecord(Day, publication.Id, "no_negative_amounts", false, true, "3 rows have negative amounts", harness.Clock.GetCurrentInstant());
        await publication.QuarantineAsync("Blocking check no_negative_amounts failed: 3 rows have negative amounts.", [check]);

        Assert.Equal(v1, await harness.ReadAsync());
        Assert.NotNull(await harness.Store.GetSizeAsync(ObjectKey.Parse(staged.Path)));
        var state = await harness.Metadata.GetStateAsync(Day);
        Assert.Equal(PartitionStatus.Quarantined, state!.Status);
        Assert.Contains($"data/sales/orders/2026-01-05/{publication.Id}/", state.Cause, StringComparison.Ordinal);
        Assert.Equal([check], await harness.Metadata.GetCheckResultsAsync(Day));
        Assert.Equal(1, state.Sequence);
    }

    [Fact]
    public async Task Fail_MarksTheStatusFailedAndKeepsThePreviousVersion()
    {
        await using var harness = await ProtocolHarness.CreateAsync();
        var v1 = ProtocolHarness.Rows(10, seed: 1);
        var published = await harness.PublishAsync(v1);

        await using (var publication = await harness.Publisher.BeginAsync(Day, RunId.New()))
        {
            Assert.Equal(PartitionStatus.Running, (await harness.Metadata.GetStateAsync(Day))!.Status);
            await publication.FailAsync("The source file is malformed: line 3 has 8 fields.");
        }

        var state = await harness.Metadata.GetStateAsync(Day);
        Assert.Equal((PartitionStatus.Failed, "The source file is malformed: line 3 has 8 fields.", published.MaterializationId), (state!.Status, state.Cause, state.MaterializationId));
        Assert.Equal(v1, await harness.ReadAsync());
    }

    [Fact]
    public async Task ReconcileAfterDeletingTheMetadataStore_RebuildsTheSameStatus()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var unpartitioned = new AssetPartition(AssetKey.Parse("summary"), null);
        var region = new AssetPartition(AssetKey.Parse("region_revenue"), new PartitionKey("eu"));
        await harness.PublishAsync(ProtocolHarness.Rows(10, 1));
        await harness.PublishAsync(ProtocolHarness.Rows(10, 2));
        await harness.PublishAsync(ProtocolHarness.Rows(5, 3), unpartitioned);
        await harness.PublishAsync(ProtocolHarness.Rows(7, 4), region);
        var original = (await harness.Metadata.GetStatesAsync()).OrderBy(s => s.Partition.ToString()).ToArray();

        var rebuilt = await harness.OpenMetadataAsync("fresh.duckdb");
        var report = await new PointerReconciler(harness.Store, rebuilt, harness.Clock).ReconcileAsync();

        Assert.Equal((3, 3), (report.Pointers, report.Updated));
        Assert.Empty(report.Problems);
        var states = (await rebuilt.GetStatesAsync()).OrderBy(s => s.Partition.ToString()).ToArray();
        Assert.Equal(
            original.Select(s => (s.Partition, s.Status, s.MaterializationId, s.DataVersion, s.CodeVersion, s.Sequence, s.PublishedAt)),
            states.Select(s => (s.Partition, s.Status, s.MaterializationId, s.DataVersion, s.CodeVersion, s.Sequence, s.PublishedAt)));
        Assert.Single(await rebuilt.GetMaterializationsAsync(Day));
    }

    [Fact]
    public async Task Reconcile_ARunThatDiedBeforePublishing_IsFailedAsInterruptedWithThePreviousVersionKept()
    {
        await using var harness = await ProtocolHarness.CreateAsync();
        var published = await harness.PublishAsync(ProtocolHarness.Rows(10));
        var neverPublished = new AssetPartition(AssetKey.Parse("sales/orders"), new PartitionKey("2026-01-06"));
        _ = await harness.Publisher.BeginAsync(Day, RunId.New());
        _ = await harness.Publisher.BeginAsync(neverPublished, RunId.New());

        await new PointerReconciler(harness.Store, harness.Metadata, harness.Clock).ReconcileAsync();

        var day = await harness.Metadata.GetStateAsync(Day);
        Assert.Equal((PartitionStatus.Failed, published.MaterializationId), (day!.Status, day.MaterializationId));
        Assert.StartsWith("The run materializing this partition was interrupted", day.Cause, StringComparison.Ordinal);
        Assert.Equal(PartitionStatus.Failed, (await harness.Metadata.GetStateAsync(neverPublished))!.Status);
    }

    [Fact]
    public async Task Reconcile_APointerThatVanished_MakesThePartitionMissing()
    {
        await using var harness = await ProtocolHarness.CreateAsync();
        await harness.PublishAsync(ProtocolHarness.Rows(10));
        await harness.Store.DeleteAsync(StorageLayout.PointerOf(Day));

        var report = await new PointerReconciler(harness.Store, harness.Metadata, harness.Clock).ReconcileAsync();

        Assert.Equal(1, report.Updated);
        Assert.Equal(PartitionStatus.Missing, (await harness.Metadata.GetStateAsync(Day))!.Status);
    }

    [Theory]
    [InlineData("../../etc", "..%2F..%2Fetc")]
    [InlineData("..", "%2E%2E")]
    [InlineData(".", "%2E")]
    [InlineData("_", "%5F")]
    [InlineData("a/b\\c", "a%2Fb%5Cc")]
    [InlineData("2026-01-05|eu", "2026-01-05%7Ceu")]
    [InlineData("ünï cödé", "%C3%BCn%C3%AF%20c%C3%B6d%C3%A9")]
    public void PartitionKeys_BecomeOneSafeReversibleSegment(string key, string segment)
    {
        Assert.Equal(segment, PartitionSegment.Encode(new PartitionKey(key)));
        Assert.True(PartitionSegment.TryDecode(segment, out var decoded, out _));
        Assert.Equal(key, decoded!.Value.Value);
        var pointer = StorageLayout.PointerOf(new AssetPartition(AssetKey.Parse("orders"), new PartitionKey(key)));
        Assert.Equal(3, pointer.Segments.Count);
    }

    [Theory]
    [InlineData("..%2F..%2fetc")]
    [InlineData("%2e%2e")]
    [InlineData("../etc")]
    [InlineData("a%ZZ")]
    public void PartitionSegments_NotWrittenByEncode_AreRefused(string segment)
        => Assert.False(PartitionSegment.TryDecode(segment, out _, out _));

    [Fact]
    public void APartitionKeyLikeAPath_IsRefusedByEveryDefinition()
    {
        Assert.Throws<PartitionKeyException>(() => new StaticPartitionsDefinition("us", "eu").ParseKey("../../etc"));
        Assert.Throws<PartitionKeyException>(() => TimeWindowPartitionsDefinition.Daily(new NodaTime.LocalDate(2026, 1, 1), DateTimeZoneProviders.Tzdb["UTC"]).ParseKey("../../etc"));
        Assert.Throws<DefinitionException>(() => new StaticPartitionsDefinition("us", "../../etc"));
    }
}

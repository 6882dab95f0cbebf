using Assets.Graph;
using Assets.Storage.Objects;
using Assets.Storage.Parquet;
using Assets.Storage.Publishing;

namespace Assets.Storage.Tests.Publishing;

/// <summary>Every read of a published or staged file checks its size and SHA-256 against the manifest as it streams.</summary>
public sealed class ReadVerificationTests
{
    private static readonly AssetPartition Day = ProtocolHarness.Day;

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Local)]
    public async Task Read_AByteFlippedInAPublishedFile_FailsNamingTheFileBothHashesAndTheFix(StoreKind kind)
    {
        await using var harness = await ProtocolHarness.CreateAsync(kind);
        var pointer = await harness.PublishAsync(ProtocolHarness.Rows(2_000));
        var file = StorageLayout.DataFile(Day, pointer.MaterializationId, 0);
        var manifest = await PublishedPartitions.ReadManifestAsync(harness.Store, Day, pointer.MaterializationId);
        var actual = await CorruptAsync(harness.Store, file, offset: 200);

        var error = await Assert.ThrowsAsync<CorruptDataFileException>(() => harness.ReadAsync());

        Assert.IsAssignableFrom<NonRetryableException>(error);
        Assert.Equal(Day, error.Partition);
        Assert.Equal(actual, error.ActualSha256);
        Assert.Contains(file.Value, error.Message, StringComparison.Ordinal);
        Assert.Contains(manifest.Files[0].Sha256, error.Message, StringComparison.Ordinal);
        Assert.Contains(actual, error.Message, StringComparison.Ordinal);
        Assert.Contains("'rollback --select sales/orders --partition 2026-01-05'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'materialize --select sales/orders --partition 2026-01-05 --force'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_AFileOfAnotherSize_FailsBeforeDecodingAnything()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var pointer = await harness.PublishAsync(ProtocolHarness.Rows(100));
        var key = StorageLayout.DataFile(Day, pointer.MaterializationId, 0);
        var bytes = await harness.ReadBytesAsync(key.Value);
        await Replace(harness.Store, key, bytes[..^1]);

        var error = await Assert.ThrowsAsync<CorruptDataFileException>(() => harness.ReadAsync());

        Assert.Equal((bytes.Length - 1L, (string?)null), (error.ActualSize, error.ActualSha256));
        Assert.Contains($"it has {bytes.Length - 1} bytes, its manifest says {bytes.Length}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Local)]
    public async Task Read_AConsumerThatStopsAfterOneRow_StillFailsOnACorruptFile(StoreKind kind)
    {
        await using var harness = await ProtocolHarness.CreateAsync(kind);
        var pointer = await harness.PublishAsync(ProtocolHarness.Rows(2_000));
        var key = StorageLayout.DataFile(Day, pointer.MaterializationId, 0);
        var bytes = await harness.ReadBytesAsync(key.Value);

        // The last bytes before the footer: a consumer taking one row never decodes them.
        await CorruptAsync(harness.Store, key, offset: bytes.Length / 2);

        await Assert.ThrowsAsync<CorruptDataFileException>(
            async () => await new PartitionReader(harness.Store).ReadAsync<Sale>(Day).Take(1).ToListAsync());
    }

    [Fact]
    public async Task Read_AnIntactFile_ReturnsEveryRowAndReadsLittleBeyondWhatTheDecoderReads()
    {
        await using var harness = await ProtocolHarness.CreateAsync(StoreKind.Local);
        var rows = ProtocolHarness.Rows(250_000);
        var pointer = await harness.PublishAsync(rows);
        var manifest = await PublishedPartitions.ReadManifestAsync(harness.Store, Day, pointer.MaterializationId);

        var stream = new VerifyingReadStream((await harness.Store.OpenReadAsync(ObjectKey.Parse(manifest.Files[0].Path)))!);
        await using (stream)
        {
            var read = await ParquetRecordFormat.ReadAsync<Sale>(stream).ToListAsync();
            var sha256 = await stream.FinishAsync(CancellationToken.None);

            Assert.Equal(rows, read);
            Assert.Equal(manifest.Files[0].Sha256, sha256);

            // Three row groups: the hash follows the decoder's own reads; only the footer (read first) is read again.
            Assert.True(stream.ExtraBytesRead < manifest.Files[0].Size / 20, $"{stream.ExtraBytesRead} of {manifest.Files[0].Size} bytes were read only to be hashed.");
        }

        Assert.Equal(rows, await harness.ReadAsync());
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Local)]
    public async Task ReadStaged_AStagedFileDamagedBeforeTheChecksRead_FailsTheChecks(StoreKind kind)
    {
        await using var harness = await ProtocolHarness.CreateAsync(kind);
        await using var publication = await harness.Publisher.BeginAsync(Day, RunId.New());
        var staged = await ProtocolHarness.StageAsync(publication, ProtocolHarness.Rows(500));
        await CorruptAsync(harness.Store, ObjectKey.Parse(staged.Path), offset: 100);

        var error = await Assert.ThrowsAsync<CorruptDataFileException>(
            async () => await new PartitionReader(harness.Store).ReadFilesAsync(typeof(Sale), Day, publication.StagedFiles).ToListAsync());

        Assert.Equal(staged, error.Expected);
    }

    /// <summary>Flips one byte of <paramref name="key"/> in place (the size stays); returns the new SHA-256.</summary>
    internal static async Task<string> CorruptAsync(IObjectStore store, ObjectKey key, int offset)
    {
        var stored = (await store.GetAsync(key))!;
        var bytes = stored.Content.ToArray();
        bytes[offset] ^= 0x5A;
        await Replace(store, key, bytes);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
    }

    private static async Task Replace(IObjectStore store, ObjectKey key, byte[] bytes)
    {
        var stored = (await store.GetAsync(key))!;
        Assert.True((await store.ReplaceIfMatchAsync(key, bytes, stored.Version)).Succeeded);
    }
}

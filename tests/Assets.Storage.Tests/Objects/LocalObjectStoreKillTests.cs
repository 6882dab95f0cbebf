using Assets.Storage.Objects;
using Assets.Storage.Objects.Local;

namespace Assets.Storage.Tests.Objects;

public sealed class LocalObjectStoreKillTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "assets-kill-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task WriterKilledMidWrite_LeavesNothingUnderTheKeyAndTheStoreStaysUsable()
    {
        var key = ObjectKey.Parse("data/orders/2026-01-05/part-00000.parquet");
        using (var writer = ChildProgram.Start("killed-writer.cs", _root, key.Value))
        {
            await writer.WaitForLineAsync("writing ");
            await writer.KillAsync();
        }

        // The bytes written so far sit in a temp file beside the key, and nothing reads them.
        var folder = Path.Combine(_root, "data", "orders", "2026-01-05");
        var leftover = Assert.Single(Directory.GetFiles(folder));
        Assert.StartsWith(".tmp-", Path.GetFileName(leftover), StringComparison.Ordinal);
        Assert.True(new FileInfo(leftover).Length > 0);
        var store = new LocalObjectStore(_root);
        Assert.Null(await store.GetSizeAsync(key));
        Assert.Null(await store.OpenReadAsync(key));
        Assert.Empty(await store.ListAsync("data/").ToListAsync());

        // The next writer creates the object whole, and the sweep removes the leftover.
        Assert.True((await store.CreateIfAbsentAsync(key, new MemoryStream("whole"u8.ToArray()))).Succeeded);
        Assert.Equal("whole"u8.ToArray(), (await store.GetAsync(key))!.Content.ToArray());
        var swept = await store.DeleteAbandonedTempFilesAsync(TimeSpan.Zero);
        Assert.Equal(1, swept.Count);
        Assert.False(File.Exists(leftover));
    }
}

using Assets.Storage.Metadata;

namespace Assets.Storage.Tests.Metadata;

/// <summary>Tests of one DuckDB store opened in a folder of its own, which is deleted afterwards.</summary>
public abstract class OpenStoreTests : IAsyncLifetime
{
    private protected StoreFolder Folder { get; } = new();

    /// <summary>The open store; tests that reopen it assign the new one here.</summary>
    private protected DuckDbMetadataStore Store { get; set; } = null!;

    public async Task InitializeAsync() => Store = await Folder.OpenAsync();

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        Folder.Delete();
    }
}

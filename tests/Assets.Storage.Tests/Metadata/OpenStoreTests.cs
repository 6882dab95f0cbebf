using Assets.Automation;
using Assets.Backfills;
using Assets.Metadata;
using Assets.Sources;

namespace Assets.Storage.Tests.Metadata;

/// <summary>
/// Tests of one metadata store, of whichever kind <paramref name="underTest"/> makes: the contract tests derive from
/// this and run once per kind (DuckDB, PostgreSQL), so both stores keep one behaviour.
/// </summary>
public abstract class OpenStoreTests<TStore>(IStoreUnderTest<TStore> underTest) : IAsyncLifetime
    where TStore : class, IMetadataStore, IBackfillStore, IAutomationCursorStore, ISourceObservationStore
{
    /// <summary>The clock the store stamps its own changes with.</summary>
    private protected FixedClock Clock { get; } = new(StoreFolder.T0);

    /// <summary>The open store; tests that reopen it assign the new one here.</summary>
    private protected TStore Store { get; set; } = null!;

    private protected IStoreUnderTest<TStore> UnderTest => underTest;

    /// <summary>Opens the same store again (another connection to the database, or the file after a close).</summary>
    private protected Task<TStore> OpenAsync() => underTest.OpenAsync(Clock);

    public async Task InitializeAsync() => Store = await OpenAsync();

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        await underTest.DeleteAsync();
    }
}

/// <summary>Makes one store of a kind, opened as often as a test asks, and deletes it afterwards.</summary>
public interface IStoreUnderTest<TStore>
{
    Task<TStore> OpenAsync(NodaTime.IClock clock);

    Task DeleteAsync();
}

/// <summary>A DuckDB file in a folder of its own.</summary>
public sealed class DuckDbStoreUnderTest : IStoreUnderTest<Assets.Storage.Metadata.DuckDbMetadataStore>
{
    private readonly StoreFolder _folder = new();

    public Task<Assets.Storage.Metadata.DuckDbMetadataStore> OpenAsync(NodaTime.IClock clock) => Assets.Storage.Metadata.DuckDbMetadataStore.OpenAsync(_folder.DatabasePath, clock);

    public Task DeleteAsync()
    {
        _folder.Delete();
        return Task.CompletedTask;
    }
}

/// <summary>Tests of one DuckDB store opened in a folder of its own, which is deleted afterwards.</summary>
public abstract class OpenStoreTests() : OpenStoreTests<Assets.Storage.Metadata.DuckDbMetadataStore>(new DuckDbStoreUnderTest());

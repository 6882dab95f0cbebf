using Assets.Storage.Objects;
using Assets.Storage.Objects.Local;

namespace Assets.Storage.Tests.Objects;

/// <summary>The object store contract for local folders; each test gets its own temporary folder, deleted afterwards.</summary>
public sealed class LocalObjectStoreContractTests : ObjectStoreContractTests
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "assets-local-store-" + Guid.NewGuid().ToString("N"));

    [Fact(Skip = ConditionsEnforced)]
    public override Task LastWriterWins_ExistingKey_CreateIfAbsentOverwrites() => Task.CompletedTask;

    protected override IObjectStore CreateStore() => new LocalObjectStore(_root);

    protected override ValueTask DisposeStoreAsync(IObjectStore store)
    {
        try
        {
            // Every write, failed or not, cleans up its temporary file.
            Assert.Empty(Directory.EnumerateFiles(_root, ".tmp-*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }));
        }
        finally
        {
            Directory.Delete(_root, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}

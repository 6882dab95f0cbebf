using Assets.Storage.Objects;
using Assets.Storage.Objects.Memory;

namespace Assets.Storage.Tests.Objects;

/// <summary>The object store contract for the in-memory store.</summary>
public sealed class InMemoryObjectStoreContractTests : ObjectStoreContractTests
{
    [Fact(Skip = ConditionsEnforced)]
    public override Task LastWriterWins_ExistingKey_CreateIfAbsentOverwrites() => Task.CompletedTask;

    protected override IObjectStore CreateStore() => new InMemoryObjectStore();
}

/// <summary>
/// The object store contract for the in-memory store ignoring conditions, as s3rver does: the
/// conditional tests are skipped (visibly), and the last writer wins.
/// </summary>
public sealed class InMemoryObjectStoreIgnoringConditionsContractTests : ObjectStoreContractTests
{
    [Fact(Skip = ConditionsIgnored)]
    public override Task CreateIfAbsent_ExistingKey_ReturnsConflictAndKeepsContent() => Task.CompletedTask;

    [Fact(Skip = ConditionsIgnored)]
    public override Task CreateIfAbsent_ConcurrentCreators_ExactlyOneWins() => Task.CompletedTask;

    [Fact(Skip = ConditionsIgnored)]
    public override Task ReplaceIfMatch_StaleVersion_ReturnsConflictNamingCurrentVersionAndKeepsContent() => Task.CompletedTask;

    [Fact(Skip = ConditionsIgnored)]
    public override Task ReplaceIfMatch_NoExpectedVersionOnPresentKey_ReturnsConflictWithCurrentVersion() => Task.CompletedTask;

    [Fact(Skip = ConditionsIgnored)]
    public override Task ReplaceIfMatch_ExpectedVersionOnAbsentKey_ReturnsConflictWithoutVersion() => Task.CompletedTask;

    [Fact(Skip = ConditionsIgnored)]
    public override Task ReplaceIfMatch_ConcurrentRacersFromSameVersion_ExactlyOneWins() => Task.CompletedTask;

    protected override IObjectStore CreateStore() => new InMemoryObjectStore(enforcesConditionalWrites: false);
}

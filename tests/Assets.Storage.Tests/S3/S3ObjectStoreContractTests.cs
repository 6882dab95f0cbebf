using Assets.Storage.Objects;
using Assets.Storage.Objects.S3;
using Assets.Storage.Tests.Objects;

namespace Assets.Storage.Tests.S3;

/// <summary>
/// The object store contract for <see cref="S3ObjectStore"/> against s3rver (or the server named by
/// ASSETS_TEST_S3_ENDPOINT); each test gets its own prefix of the fixture's bucket.
/// <para>
/// s3rver ignores If-None-Match and If-Match, so there the conditional tests are skipped (visibly). Unlike a
/// store that lets the last writer win, <see cref="S3ObjectStore"/> then checks each condition with a
/// HEAD before writing: a best effort that catches a sequential conflict but not a race, covered by
/// <see cref="S3ObjectStoreTests.A_store_that_cannot_rely_on_the_server_checks_the_conditions_itself"/>. Against a
/// server that enforces conditions the conditional tests run and the last-writer-wins test is skipped.
/// </para>
/// </summary>
[Collection(S3ServerFixture.Collection)]
public sealed class S3ObjectStoreContractTests(S3ServerFixture server) : ObjectStoreContractTests
{
    private const string ConditionsChecked =
        "s3rver ignores conditional writes (EnforcesConditionalWrites is false); S3ObjectStore then checks the condition with a HEAD first, "
        + "so sequential conflicts are still reported (S3ObjectStoreTests.A_store_that_cannot_rely_on_the_server_checks_the_conditions_itself) "
        + "but races are not caught. Set ASSETS_TEST_S3_ENDPOINT to MinIO or AWS S3 to run this test.";

    private const string LastWriterDoesNotWin =
        "S3ObjectStore does not let the last writer win when the server ignores conditions: it checks them with a HEAD first, "
        + "so a second create or a stale replace is a conflict (S3ObjectStoreTests.A_store_that_cannot_rely_on_the_server_checks_the_conditions_itself).";

    [S3Fact(SkipIfConditionsIgnored = ConditionsChecked)]
    public override Task CreateIfAbsent_ExistingKey_ReturnsConflictAndKeepsContent() => base.CreateIfAbsent_ExistingKey_ReturnsConflictAndKeepsContent();

    [S3Fact(SkipIfConditionsIgnored = ConditionsChecked)]
    public override Task CreateIfAbsent_ConcurrentCreators_ExactlyOneWins() => base.CreateIfAbsent_ConcurrentCreators_ExactlyOneWins();

    [S3Fact(SkipIfConditionsIgnored = ConditionsChecked)]
    public override Task ReplaceIfMatch_StaleVersion_ReturnsConflictNamingCurrentVersionAndKeepsContent() => base.ReplaceIfMatch_StaleVersion_ReturnsConflictNamingCurrentVersionAndKeepsContent();

    [S3Fact(SkipIfConditionsIgnored = ConditionsChecked)]
    public override Task ReplaceIfMatch_NoExpectedVersionOnPresentKey_ReturnsConflictWithCurrentVersion() => base.ReplaceIfMatch_NoExpectedVersionOnPresentKey_ReturnsConflictWithCurrentVersion();

    [S3Fact(SkipIfConditionsIgnored = ConditionsChecked)]
    public override Task ReplaceIfMatch_ExpectedVersionOnAbsentKey_ReturnsConflictWithoutVersion() => base.ReplaceIfMatch_ExpectedVersionOnAbsentKey_ReturnsConflictWithoutVersion();

    [S3Fact(SkipIfConditionsIgnored = ConditionsChecked)]
    public override Task ReplaceIfMatch_ConcurrentRacersFromSameVersion_ExactlyOneWins() => base.ReplaceIfMatch_ConcurrentRacersFromSameVersion_ExactlyOneWins();

    [S3Fact(SkipIfConditionsIgnored = LastWriterDoesNotWin, SkipIfConditionsEnforced = ConditionsEnforced)]
    public override Task LastWriterWins_ExistingKey_CreateIfAbsentOverwrites() => base.LastWriterWins_ExistingKey_CreateIfAbsentOverwrites();

    protected override IObjectStore CreateStore() => server.CreateStore(name: "contract");

    protected override ValueTask DisposeStoreAsync(IObjectStore store)
    {
        ((IDisposable)store).Dispose();
        return ValueTask.CompletedTask;
    }
}

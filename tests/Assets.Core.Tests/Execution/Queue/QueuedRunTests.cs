using Assets.Backfills;
using Assets.Execution;
using Assets.Execution.Queue;
using Assets.Graph;
using Assets.Partitions;

namespace Assets.Core.Tests.Execution.Queue;

public sealed class QueuedRunTests
{
    private static AssetPartition P(string asset, int day = 5) => new(AssetKey.Parse(asset), new PartitionKey($"2026-01-{day:00}"));

    private static QueuedStep Step(AssetPartition partition, params AssetPartition[] dependsOn) => new(new ExecutionStep(partition, dependsOn), "v1");

    private static ArgumentException Refused(params QueuedStep[] steps)
        => Assert.ThrowsAny<ArgumentException>(() => new QueuedRun(RunId.New(), RunOrigin.Materialize, StepPriority.Current, null, steps));

    [Fact]
    public void Steps_AreCheckedAsTheExecutorChecksThem_NamingTheStep()
    {
        Assert.Equal("a[2026-01-05] is a step of the run twice: list each partition once. (Parameter 'steps')", Refused(Step(P("a")), Step(P("a"))).Message);
        Assert.StartsWith("b[2026-01-05] depends on z[2026-01-05], which is not a step of the run", Refused(Step(P("b"), P("z"))).Message, StringComparison.Ordinal);
        Assert.StartsWith("a[2026-01-05] depends on itself", Refused(Step(P("a"), P("a"))).Message, StringComparison.Ordinal);
        Assert.StartsWith("The steps' dependencies form a cycle among: a[2026-01-05], b[2026-01-05]", Refused(Step(P("a"), P("b")), Step(P("b"), P("a")), Step(P("c"))).Message, StringComparison.Ordinal);
        Assert.StartsWith("a[2026-01-05] has no code version", Refused(new QueuedStep(new ExecutionStep(P("a"), []), " ")).Message, StringComparison.Ordinal);
        Assert.StartsWith("Run ", Refused().Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RangeMembers_MustAllBeStepsWithTheSameRange()
    {
        var range = new[] { P("a", 5), P("a", 6) };
        var message = Refused(new QueuedStep(new ExecutionStep(P("a", 5), []) { RunsWith = range }, "v1"), Step(P("a", 6))).Message;

        Assert.StartsWith("a[2026-01-05] runs with a[2026-01-06], which is not a step of the run with the same range", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Origin_AndLimit_AreChecked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new QueuedRun(RunId.New(), RunOrigin.Materialize, StepPriority.Current, 0, [Step(P("a"))]));
        Assert.Throws<ArgumentException>(() => new QueuedRun(RunId.New(), new RunOrigin(RunOriginKind.Backfill, null), StepPriority.Backfill, 2, [Step(P("a"))]));
        var run = new QueuedRun(RunId.New(), RunOrigin.ForBackfill(BackfillId.Parse("k3x9q2ma")), StepPriority.Backfill, 2, [Step(P("a")), Step(P("b"), P("a"))]);
        Assert.Equal("backfill k3x9q2ma", run.Origin.ToString());
    }

    [Fact]
    public void WorkerIds_AreCheckedAndMadeFromAnyHostName()
    {
        Assert.Throws<FormatException>(() => WorkerId.Parse("no spaces"));
        Assert.Throws<FormatException>(() => WorkerId.Parse(string.Empty));
        Assert.Matches("^my-host.example-42-[a-z0-9]{4}$", WorkerId.New("my host.example", 42).Value);
        Assert.Equal("w1", WorkerId.Parse("w1").Value);
    }
}

namespace Assets.Core.Tests.Execution;

public sealed class MaterializationIdTests
{
    [Fact]
    public void New_ManyInTheSameMillisecond_AreStrictlyIncreasing()
    {
        var ids = Enumerable.Range(0, 5_000).Select(_ => MaterializationId.New().Value).ToList();

        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }
}

using Assets.Partitions;
using NodaTime;

namespace Assets.Core.Tests.Partitions;

public class StaticAndMultiPartitionsTests
{
    private static readonly Instant AsOf = Instant.FromUtc(2026, 1, 4, 12, 0);

    private static MultiPartitionsDefinition CreateSut()
        => new(TimeWindowPartitionsDefinition.Daily(new LocalDate(2026, 1, 1), DateTimeZone.Utc), new StaticPartitionsDefinition("us", "eu"));

    [Theory]
    [InlineData(new string[0], "at least one key")]
    [InlineData(new[] { "us", "us" }, "'us' is listed twice")]
    [InlineData(new[] { "e u" }, "'e u' is not a valid static partition key")]
    [InlineData(new[] { "a|b" }, "'a|b' is not a valid static partition key")]
    [InlineData(new[] { "." }, "'.' is not a valid static partition key")]
    [InlineData(new[] { ".." }, "'..' is not a valid static partition key")]
    [InlineData(new[] { "" }, "'' is not a valid static partition key")]
    public void Static_InvalidKeys_AreRejectedWithTheFix(string[] keys, string message)
    {
        var error = Assert.Throws<DefinitionException>(() => new StaticPartitionsDefinition(keys)).Message;

        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Static_KeyOf101Characters_IsRejectedAnd100Accepted()
    {
        Assert.Single(new StaticPartitionsDefinition(new string('a', 100)).Keys);
        Assert.Throws<DefinitionException>(() => new StaticPartitionsDefinition(new string('a', 101)));
    }

    [Fact]
    public void Static_ParseKey_AcceptsListedKeysAndListsThemOtherwise()
    {
        var sut = new StaticPartitionsDefinition("us", "eu", "apac");

        Assert.Equal("eu", sut.ParseKey("eu").Value);
        Assert.Equal(2, sut.IndexOf(new PartitionKey("apac")));
        Assert.Equal("'EU' is not a static partition key of this asset: expected one of us, eu, apac", Assert.Throws<PartitionKeyException>(() => sut.ParseKey("EU")).Message);
        Assert.Equal(["us", "eu", "apac"], sut.GetKeys(Instant.MinValue).Select(k => k.Value));
        Assert.Equal("static (us, eu, apac)", sut.Describe());
    }

    [Fact]
    public void Static_Equality_IsByKeysInOrder()
    {
        Assert.Equal(new StaticPartitionsDefinition("us", "eu"), new StaticPartitionsDefinition("us", "eu"));
        Assert.Equal(new StaticPartitionsDefinition("us", "eu").GetHashCode(), new StaticPartitionsDefinition("us", "eu").GetHashCode());
        Assert.NotEqual(new StaticPartitionsDefinition("us", "eu"), new StaticPartitionsDefinition("eu", "us"));
    }

    [Fact]
    public void Multi_Keys_AreTimeMajorWithThePipeSeparator()
    {
        var sut = CreateSut();

        var keys = sut.GetKeys(AsOf).Select(k => k.Value);

        Assert.Equal(["2026-01-01|us", "2026-01-01|eu", "2026-01-02|us", "2026-01-02|eu", "2026-01-03|us", "2026-01-03|eu"], keys);
    }

    [Fact]
    public void Multi_SplitAndCombine_AreInverse()
    {
        var sut = CreateSut();

        foreach (var key in sut.GetKeys(AsOf))
        {
            var (time, @static) = sut.Split(key);
            Assert.Equal(key, sut.Combine(time, @static));
            Assert.Equal(key, sut.KeyAt(sut.IndexOf(key)));
        }

        Assert.Equal((new PartitionKey("2026-01-05"), new PartitionKey("eu")), sut.Split(new PartitionKey("2026-01-05|eu")));
    }

    [Theory]
    [InlineData("2026-01-05", "expected <time>|<static>")]
    [InlineData("2026-01-45|eu", "its time part is wrong: '2026-01-45' is not a daily partition key")]
    [InlineData("2026-01-05|apac", "its static part is wrong: 'apac' is not a static partition key of this asset: expected one of us, eu")]
    public void Multi_ParseKey_InvalidKey_SaysWhichPartIsWrong(string text, string message)
    {
        var error = Assert.Throws<PartitionKeyException>(() => CreateSut().ParseKey(text)).Message;

        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Multi_DescribeAndEquality_CoverBothDimensions()
    {
        Assert.Equal("daily from 2026-01-01 (UTC) x static (us, eu)", CreateSut().Describe());
        Assert.Equal(CreateSut(), CreateSut());
        Assert.Equal(CreateSut().GetHashCode(), CreateSut().GetHashCode());
    }
}

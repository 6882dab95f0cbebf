namespace Assets.Core.Tests.Definitions;

public sealed class AssetKeyTests
{
    [Theory]
    [InlineData("RawOrders", "raw_orders")]
    [InlineData("ABTest", "ab_test")]
    [InlineData("Revenue2026", "revenue2026")]
    [InlineData("Orders_V2", "orders_v2")]
    [InlineData("HTTPLogs", "http_logs")]
    [InlineData("already_snake", "already_snake")]
    public void ToSnakeCase_SplitsWordsLikeDagsterUsers_Expect(string method, string expected)
        => Assert.Equal(expected, AssetKey.ToSnakeCase(method));

    [Fact]
    public void FromMethodName_WithPrefix_MakesFolders()
        => Assert.Equal(["sales", "raw_orders"], AssetKey.FromMethodName("RawOrders", "sales").Segments);

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("a/../b")]
    [InlineData("/abs")]
    [InlineData("trailing/")]
    [InlineData("Upper")]
    [InlineData("white space")]
    [InlineData("tab\there")]
    [InlineData("_leading")]
    [InlineData("back\\slash")]
    public void TryParse_UnsafeOrMalformedText_IsRejectedWithTheRule(string text)
    {
        Assert.False(AssetKey.TryParse(text, out _, out var error));
        Assert.DoesNotContain('\t', error);
    }

    [Fact]
    public void Parse_ControlCharacter_IsShownEscapedInTheMessage()
    {
        var error = Assert.Throws<FormatException>(() => AssetKey.Parse("a\u0001b"));
        Assert.Contains("a\\u0001b", error.Message, StringComparison.Ordinal);
    }
}

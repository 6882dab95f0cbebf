using NodaTime;

namespace Assets.Core.Tests.Definitions;

public sealed class DurationTextTests
{
    public static TheoryData<string, Duration> Valid => new()
    {
        { "3h", Duration.FromHours(3) },
        { "90m", Duration.FromMinutes(90) },
        { "1h30m", Duration.FromMinutes(90) },
        { "2s", Duration.FromSeconds(2) },
        { "1d", Duration.FromDays(1) },
        { "250ms", Duration.FromMilliseconds(250) },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parse_ShortForms_GiveTheDuration(string text, Duration expected) => Assert.Equal(expected, DurationText.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("3")]
    [InlineData("h")]
    [InlineData("3 hours")]
    [InlineData("-3h")]
    [InlineData("3H")]
    [InlineData("1.5h")]
    public void Parse_Malformed_ShowsTheForm(string text)
    {
        var error = Assert.Throws<FormatException>(() => DurationText.Parse(text));
        Assert.Contains("'3h'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1h30m")]
    [InlineData("2d3h4m5s6ms")]
    [InlineData("45s")]
    public void Format_IsTheInverseOfParse(string text) => Assert.Equal(text, DurationText.Format(DurationText.Parse(text)));

    [Theory]
    [InlineData(100.4, "100ms")]
    [InlineData(2_500, "2s500ms")]
    [InlineData(21_326, "21s")]
    [InlineData(28_930_185_348, "334d20h9m45s")]
    public void Approximately_RoundsAsPeopleSayIt(double milliseconds, string expected)
        => Assert.Equal(expected, DurationText.Approximately(Duration.FromMilliseconds(milliseconds)));
}

using Assets.Hosting.Web;

namespace Assets.Host.Tests.Web;

public sealed class HtmlBuilderTests
{
    [Fact]
    public void Holes_AreEncoded_SoTextFromTheStoreNeverBecomesMarkup()
    {
        var cause = "<script>alert('x')</script> & \"quoted\"";
        var html = new HtmlBuilder().Add($"<p title=\"{cause}\">{cause}</p>").ToString();
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\"quoted\"", html, StringComparison.Ordinal);
        Assert.StartsWith("<p title=\"&lt;script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void HtmlHoles_AndNumbers_AreWrittenAsTheyAre()
    {
        var html = new HtmlBuilder().Add($"<td>{new Html("<b>x</b>")}{1234567}{1.5}</td>").ToString();
        Assert.Equal("<td><b>x</b>12345671.5</td>", html);
    }
}

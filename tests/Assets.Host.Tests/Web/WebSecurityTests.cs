using Assets.Hosting.Web;
using Microsoft.AspNetCore.Http;

namespace Assets.Host.Tests.Web;

public sealed class WebSecurityTests
{
    private static DefaultHttpContext Request(string method, string host = "127.0.0.1:5088", string path = "/ui/observe", params (string Name, string Value)[] headers)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = method;
        http.Request.Scheme = "http";
        http.Request.Host = new HostString(host);
        http.Request.Path = path;
        foreach (var (name, value) in headers)
        {
            http.Request.Headers[name] = value;
        }

        return http;
    }

    [Theory]
    [InlineData("http://127.0.0.1:5088", true)]
    [InlineData("http://localhost:5088", true)]
    [InlineData("http://[::1]:5088", true)]
    [InlineData("http://127.0.0.2:80", true)]
    [InlineData("http://0.0.0.0:5088", false)]
    [InlineData("http://*:5088", false)]
    [InlineData("http://+:5088", false)]
    [InlineData("http://10.1.2.3:5088", false)]
    [InlineData("http://assets.internal:5088", false)]
    public void IsLoopbackUrl_TellsLoopbackFromEverythingElse(string url, bool loopback)
        => Assert.Equal(loopback, WebSecurity.IsLoopbackUrl(url));

    [Fact]
    public void LoopbackWithoutToken_LetsAPostFromThisMachineThrough()
    {
        var security = new WebSecurity(null, loopbackOnly: true);
        Assert.False(security.TokenRequired);
        Assert.Null(security.Refusal(Request("POST")));
    }

    [Fact]
    public void BoundElsewhereWithoutToken_RefusesChanges_SayingWhichSettingToSet_ButAnswersReads()
    {
        var security = new WebSecurity(null, loopbackOnly: false);
        var refusal = security.Refusal(Request("POST", host: "10.1.2.3:5088"));
        Assert.Equal(StatusCodes.Status403Forbidden, refusal?.Status);
        Assert.Contains("Assets:Daemon:Token", refusal?.Message, StringComparison.Ordinal);
        Assert.Null(security.Refusal(Request("GET", host: "10.1.2.3:5088", path: "/")));
    }

    [Fact]
    public void WithToken_APostNeedsItAsBearerOrCookie()
    {
        var security = new WebSecurity("s3cret-token", loopbackOnly: false);
        Assert.Equal(StatusCodes.Status401Unauthorized, security.Refusal(Request("POST", host: "10.1.2.3:5088"))?.Status);
        Assert.Equal(StatusCodes.Status401Unauthorized, security.Refusal(Request("POST", "10.1.2.3:5088", "/materialize", ("Authorization", "Bearer wrong")))?.Status);
        Assert.Null(security.Refusal(Request("POST", "10.1.2.3:5088", "/materialize", ("Authorization", "Bearer s3cret-token"))));
        Assert.Null(security.Refusal(Request("POST", "10.1.2.3:5088", "/ui/observe", ("Cookie", WebSecurity.CookieName + "=s3cret-token"))));
    }

    [Fact]
    public void WithTokenOnLoopback_ItIsRequiredToo()
    {
        var security = new WebSecurity("s3cret-token", loopbackOnly: true);
        Assert.Equal(StatusCodes.Status401Unauthorized, security.Refusal(Request("POST"))?.Status);
        Assert.Null(security.Refusal(Request("POST", "127.0.0.1:5088", "/backfills", ("Authorization", "Bearer s3cret-token"))));
    }

    [Theory]
    [InlineData("Origin", "http://evil.example")]
    [InlineData("Origin", "http://127.0.0.1:9999")]
    [InlineData("Origin", "null")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    public void ACrossSitePost_IsRefused_EvenWithTheCookie(string header, string value)
    {
        var security = new WebSecurity("s3cret-token", loopbackOnly: true);
        var refusal = security.Refusal(Request("POST", "127.0.0.1:5088", "/ui/materialize", (header, value), ("Cookie", WebSecurity.CookieName + "=s3cret-token")));
        Assert.Equal(StatusCodes.Status403Forbidden, refusal?.Status);
    }

    [Fact]
    public void ASameOriginPost_FromTheDaemonsOwnPage_GoesThrough()
    {
        var security = new WebSecurity(null, loopbackOnly: true);
        Assert.Null(security.Refusal(Request("POST", "127.0.0.1:5088", "/ui/materialize", ("Origin", "http://127.0.0.1:5088"), ("Sec-Fetch-Site", "same-origin"))));
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("rebound.attacker.test:5088")]
    public void OnLoopback_ARequestForAnotherHostName_IsRefused_AgainstDnsRebinding(string host)
        => Assert.Equal(StatusCodes.Status400BadRequest, new WebSecurity(null, loopbackOnly: true).Refusal(Request("GET", host, "/"))?.Status);

    [Fact]
    public void SignIn_NeedsNoTokenButMustBeSameOrigin()
    {
        var security = new WebSecurity("s3cret-token", loopbackOnly: false);
        Assert.Null(security.Refusal(Request("POST", "10.1.2.3:5088", WebSecurity.SignInPath)));
        Assert.Equal(StatusCodes.Status403Forbidden, security.Refusal(Request("POST", "10.1.2.3:5088", WebSecurity.SignInPath, ("Origin", "http://evil.example")))?.Status);
    }
}

using System.Net;
using System.Text;

namespace Assets.Web.Tests;

/// <summary>The UI's endpoints without a browser, on the served example: errors, encoding, refusals, static files, live events.</summary>
[Collection(ServedExampleGroup.Name)]
public sealed class EndpointTests(ServedExample example)
{
    [Fact]
    public async Task AnUnknownAsset_Answers400_WithThePageSayingTheClosestKey()
    {
        using var response = await example.Http.GetAsync(new Uri("ui/asset?key=clean_order", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("class=\"error\"", page, StringComparison.Ordinal);
        Assert.Contains("clean_orders", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASelectionWithMarkup_IsRefused_AndNeverEchoedAsMarkup()
    {
        using var response = await example.Http.GetAsync(new Uri("?select=" + Uri.EscapeDataString("<script>alert(1)</script>"), UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>alert", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APartitionThatDoesNotExist_AnswersAFragmentSayingSo()
    {
        using var response = await example.Http.GetAsync(new Uri("ui/partition?asset=clean_orders&partition=2027-01-05", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("2027-01-05", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACrossSitePost_IsRefused_AndRunsNothing()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("ui/materialize", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent([new("select", "raw_orders"), new("partition", "2026-01-02"), new("force", "true")]),
        };
        request.Headers.Add("Origin", "http://evil.example");
        using var response = await example.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var api = new HttpRequestMessage(HttpMethod.Post, new Uri("materialize", UriKind.Relative)) { Content = new StringContent("""{"select": "*"}""", Encoding.UTF8, "application/json") };
        api.Headers.Add("Sec-Fetch-Site", "cross-site");
        using var apiResponse = await example.Http.SendAsync(api);
        Assert.Equal(HttpStatusCode.Forbidden, apiResponse.StatusCode);
    }

    [Fact]
    public async Task ARequestForAnotherHostName_IsRefused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/", UriKind.Relative));
        request.Headers.Host = "rebound.example";
        using var response = await example.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task VendoredScripts_AreServedFromTheAssembly_CachedByTheirHash()
    {
        var page = await example.Http.GetStringAsync(new Uri("/", UriKind.Relative));
        var start = page.IndexOf("/ui/static/vendor/htmx-", StringComparison.Ordinal);
        var url = page[start..page.IndexOf('"', start)];
        using var response = await example.Http.GetAsync(new Uri(url.Replace("&amp;", "&", StringComparison.Ordinal), UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("immutable", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Contains("htmx", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await example.Http.GetAsync(new Uri("ui/static/../../appsettings.json", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Events_SayChanged_WhenAMaterializationRunsThroughTheApi()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var events = await example.Http.GetAsync(new Uri("ui/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync(timeout.Token));
        Assert.Equal("retry: 2000", await reader.ReadLineAsync(timeout.Token));

        // The same data again: nothing goes stale, but the run is news to every open page.
        await example.MaterializeAsync("""{"select": "raw_orders", "partition": "2026-01-02", "force": true}""", "1 published");
        while (await reader.ReadLineAsync(timeout.Token) is { } line && line != "event: changed")
        {
        }

        Assert.False(timeout.IsCancellationRequested);
    }
}

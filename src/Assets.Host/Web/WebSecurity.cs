using System.Net;
using System.Security.Cryptography;
using System.Text;
using Assets.Hosting.Daemon;
using Assets.Hosting.Rendering;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Assets.Hosting.Web;

/// <summary>
/// Who may change things through the daemon (the UI's actions and the API's POSTs alike):
/// <list type="bullet">
/// <item>Bound to loopback only (the default), anyone on this machine may, as with the commands; requests must name
/// a loopback host (<c>Host: 127.0.0.1:5088</c>, <c>localhost</c>), so a web page cannot reach the daemon through a
/// DNS name rebound to 127.0.0.1.</item>
/// <item>Bound to anything else, or whenever <c>Assets:Daemon:Token</c> is set, a mutating request needs the token:
/// <c>Authorization: Bearer TOKEN</c> (the commands send it from the same setting), or the UI's sign-in cookie
/// (<c>HttpOnly</c>, <c>SameSite=Strict</c>). Bound elsewhere without a token, mutating requests are refused
/// with the fix.</item>
/// <item>Cross-site requests never mutate: a POST whose <c>Origin</c> is not the daemon's own, or that the browser
/// marks <c>Sec-Fetch-Site: cross-site</c>/<c>same-site</c>, is refused, so a page elsewhere cannot submit a form to it.</item>
/// </list>
/// Reads (GET) need no token: they change nothing.
/// </summary>
internal sealed class WebSecurity
{
    /// <summary>The configuration key of the token.</summary>
    public const string TokenKey = "Assets:Daemon:Token";

    /// <summary>The cookie the UI's sign-in sets.</summary>
    public const string CookieName = "assets-token";

    private readonly byte[]? _token;

    public WebSecurity(string? token, bool loopbackOnly)
    {
        _token = string.IsNullOrEmpty(token) ? null : Encoding.UTF8.GetBytes(token);
        LoopbackOnly = loopbackOnly;
    }

    /// <summary>Whether every address listened on is a loopback address.</summary>
    public bool LoopbackOnly { get; }

    /// <summary>Whether a token is set.</summary>
    public bool HasToken => _token is not null;

    /// <summary>Whether mutating requests need the token.</summary>
    public bool TokenRequired => _token is not null || !LoopbackOnly;

    public static WebSecurity For(IConfiguration configuration, IEnumerable<string> urls)
        => new(configuration[TokenKey], urls.All(IsLoopbackUrl));

    /// <summary>Whether <paramref name="url"/> listens on loopback only (<c>127.0.0.0/8</c>, <c>[::1]</c>, <c>localhost</c>).</summary>
    public static bool IsLoopbackUrl(string url)
    {
        if (!Uri.TryCreate(url.Replace("://*", "://wildcard", StringComparison.Ordinal).Replace("://+", "://wildcard", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary>Whether the request carries the token (bearer header or sign-in cookie); true when none is set.</summary>
    public bool IsSignedIn(HttpContext http)
    {
        if (_token is null)
        {
            return true;
        }

        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && Matches(header["Bearer ".Length..].Trim()))
        {
            return true;
        }

        return http.Request.Cookies.TryGetValue(CookieName, out var cookie) && Matches(cookie);
    }

    /// <summary>Whether <paramref name="candidate"/> is the token, compared in constant time.</summary>
    public bool Matches(string? candidate)
        => _token is not null && candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), _token);

    /// <summary>The middleware: answers the refusals described on the class, or passes the request on.</summary>
    public async Task GuardAsync(HttpContext http, RequestDelegate next)
    {
        if (Refusal(http) is { } refusal)
        {
            http.Response.StatusCode = refusal.Status;
            await http.Response.WriteAsJsonAsync(new DaemonError(refusal.Message), JsonOutput.Options).ConfigureAwait(false);
            return;
        }

        await next(http).ConfigureAwait(false);
    }

    /// <summary>Why the request is refused, or null when it may go on.</summary>
    public (int Status, string Message)? Refusal(HttpContext http)
    {
        if (LoopbackOnly && !IsLoopbackHost(http.Request.Host.Host))
        {
            return (StatusCodes.Status400BadRequest, $"This daemon listens on loopback only and answers requests for 127.0.0.1 or localhost, not '{http.Request.Host.Host}'.");
        }

        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) || HttpMethods.IsOptions(http.Request.Method))
        {
            return null;
        }

        if (IsCrossSite(http))
        {
            return (StatusCodes.Status403Forbidden, "Refused: a request from another site cannot change anything here. Use the daemon's own pages or the commands.");
        }

        if (http.Request.Path.Equals(SignInPath, StringComparison.Ordinal) || !TokenRequired)
        {
            return null;
        }

        if (_token is null)
        {
            return (StatusCodes.Status403Forbidden, $"This daemon listens beyond loopback, so changes need a token, and none is set: set {TokenKey} (environment Assets__Daemon__Token) for serve and the commands, and sign in on the UI with it.");
        }

        return IsSignedIn(http)
            ? null
            : (StatusCodes.Status401Unauthorized, $"This request changes things and needs the daemon's token: send 'Authorization: Bearer <{TokenKey}>', or sign in on the UI at {SignInPath}.");
    }

    /// <summary>The UI's sign-in form posts here.</summary>
    public const string SignInPath = "/ui/sign-in";

    private static bool IsLoopbackHost(string host)
        => host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static bool IsCrossSite(HttpContext http)
    {
        var fetchSite = http.Request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite is "cross-site" or "same-site")
        {
            return true;
        }

        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            // Not a browser's cross-origin request: the commands and scripts send no Origin.
            return false;
        }

        return !Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            || !string.Equals(uri.Scheme, http.Request.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(uri.Authority, http.Request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}

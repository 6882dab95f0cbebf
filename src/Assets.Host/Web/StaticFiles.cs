using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Assets.Hosting.Web;

/// <summary>
/// The UI's scripts and styles, embedded in this assembly (<c>Web/wwwroot</c>, vendored libraries included), so the UI
/// works offline and nothing is fetched from a CDN. Served under <c>/ui/static/</c> with a content hash in the URL:
/// a browser caches them for a year and fetches again only when the daemon's copy changed.
/// </summary>
internal static class StaticFiles
{
    private const string Prefix = "Assets.Web.";

    private static readonly FrozenDictionary<string, StaticFile> Files = Load();

    public static string Url(string name) => $"/ui/static/{name}?v={Files[name].Hash}";

    public static IResult Serve(string name, HttpContext http)
    {
        if (!Files.TryGetValue(name, out var file))
        {
            return Results.NotFound();
        }

        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return Results.Bytes(file.Content, file.ContentType);
    }

    private static FrozenDictionary<string, StaticFile> Load()
    {
        var assembly = typeof(StaticFiles).Assembly;
        var files = new Dictionary<string, StaticFile>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var content = memory.ToArray();
            var name = resource[Prefix.Length..];
            files[name] = new StaticFile(content, ContentType(name), Convert.ToHexStringLower(SHA256.HashData(content))[..12]);
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".png" => "image/png",
        _ => "text/plain; charset=utf-8",
    };

    private sealed record StaticFile(byte[] Content, string ContentType, string Hash);
}

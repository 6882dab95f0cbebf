using System.Text.Json;
using System.Text.Json.Serialization;

namespace Assets.Hosting.Rendering;

/// <summary>How every <c>--json</c> document is written: camelCase names, indented, nulls written out (the documented shapes always have every field).</summary>
internal static class JsonOutput
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}

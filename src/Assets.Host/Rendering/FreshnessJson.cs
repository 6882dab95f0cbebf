using System.Globalization;
using System.Text.Json;
using Assets.Freshness;

namespace Assets.Hosting.Rendering;

/// <summary>The <c>freshness --json</c> document: <c>{"assets": [{"asset", "state", "lagSeconds", "policy", "overdue", "warn", "cause"}]}</c>.</summary>
internal static class FreshnessJson
{
    public static string Write(IReadOnlyList<AssetFreshness> results)
        => JsonSerializer.Serialize(
            new Document(results.Select(r => new Item(
                r.Asset.Value,
                Name(r.State),
                r.Lag is { } lag ? (long)lag.TotalSeconds : null,
                r.Policy.Describe(),
                r.Overdue.Select(k => k.Value).ToArray(),
                r.Warned.Select(k => k.Value).ToArray(),
                r.Cause)).ToArray()),
            JsonOutput.Options);

    public static Document Read(string json)
        => JsonSerializer.Deserialize<Document>(json, JsonOutput.Options) ?? throw new InvalidDataException("Empty freshness document.");

    public static string Name(FreshnessState state) => state.ToString().ToLower(CultureInfo.InvariantCulture);

    /// <summary>The document.</summary>
    public sealed record Document(IReadOnlyList<Item> Assets);

    /// <summary>One asset's freshness.</summary>
    public sealed record Item(string Asset, string State, long? LagSeconds, string Policy, IReadOnlyList<string> Overdue, IReadOnlyList<string> Warn, string Cause);
}

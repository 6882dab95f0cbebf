using System.Text.Json;
using Assets.Graph;
using Assets.Partitions;
using NodaTime;

namespace Assets.Hosting.Rendering;

/// <summary>
/// The stable <c>list --json</c> document (README documents it):
/// <c>{"assets": [{"asset", "group", "description", "owners", "tags", "partitions", "dependencies", "checks",
/// "freshness", "automation", "source", "retry", "codeVersion", "codeVersionSource"}]}</c>, assets in topological order; freshness
/// carries the state judged now (<c>state</c>, <c>cause</c>) when the caller evaluated it.
/// </summary>
internal static class AssetListJson
{
    public static string Write(IEnumerable<AssetDefinition> assets, Instant now, IReadOnlyDictionary<string, Rendering.FreshnessJson.Item>? freshness = null)
        => JsonSerializer.Serialize(new Document(assets.Select(a => Describe(a, now, freshness?.GetValueOrDefault(a.Key.Value))).ToArray()), JsonOutput.Options);

    private static AssetJson Describe(AssetDefinition asset, Instant now, Rendering.FreshnessJson.Item? state) => new(
        asset.Key.Value,
        asset.Group,
        asset.Description,
        asset.Owners,
        asset.Tags,
        asset.Partitions is null ? null : Partitions(asset.Partitions, now),
        asset.Dependencies.Select(d => new DependencyJson(d.Upstream.Value, d.Mapping.Describe(), d.ParameterName)).ToArray(),
        asset.Checks.Select(c => new CheckJson(c.Name, c.Blocking, c.Description)).ToArray(),
        asset.Freshness is not { } f ? null : new FreshnessJson(
            f.Describe(),
            f.MaxLag is { } lag ? (long)lag.TotalSeconds : null,
            f.WarnAfter is { } warn ? (long)warn.TotalSeconds : null,
            f.Deadline,
            f.Deadline is null ? null : f.Zone.Id,
            state?.State,
            state?.Cause),
        asset.Automation is not { } a ? null : new AutomationJson(
            a.Describe(),
            a.Kind == AutomationKind.Eager ? "eager" : "cron",
            a.Cron,
            a.Cron is null ? null : a.Zone.Id,
            a.Cron is null ? null : a.MissedTicks.ToString().ToLowerInvariant()),
        asset.SourceObserver is not { } o ? null : new SourceJson(o.Location, o.LateAfter is { } late ? (long)late.TotalSeconds : null),
        new RetryJson(asset.Retry.MaxAttempts, (long)asset.Retry.Delay.TotalMilliseconds, asset.Retry.Backoff.ToString(), (long)asset.Retry.MaxDelay.TotalMilliseconds),
        asset.CodeVersion,
        asset.HasExplicitCodeVersion ? "explicit" : "body");

    private static PartitionsJson Partitions(PartitionsDefinition definition, Instant now)
    {
        var keys = definition.GetKeys(now);
        return new PartitionsJson(
            definition.Kind,
            definition.Describe(),
            keys.Count,
            keys.Count == 0 ? null : keys[0].Value,
            keys.Count == 0 ? null : keys[^1].Value);
    }

    private sealed record Document(IReadOnlyList<AssetJson> Assets);

    private sealed record AssetJson(
        string Asset,
        string Group,
        string? Description,
        IReadOnlyList<string> Owners,
        IReadOnlyDictionary<string, string> Tags,
        PartitionsJson? Partitions,
        IReadOnlyList<DependencyJson> Dependencies,
        IReadOnlyList<CheckJson> Checks,
        FreshnessJson? Freshness,
        AutomationJson? Automation,
        SourceJson? Source,
        RetryJson Retry,
        string CodeVersion,
        string CodeVersionSource);

    private sealed record PartitionsJson(string Kind, string Description, int Count, string? First, string? Last);

    private sealed record DependencyJson(string Asset, string Mapping, string? Parameter);

    private sealed record CheckJson(string Name, bool Blocking, string? Description);

    private sealed record FreshnessJson(string Description, long? MaxLagSeconds, long? WarnAfterSeconds, string? Deadline, string? Timezone, string? State, string? Cause);

    private sealed record SourceJson(string Observer, long? LateAfterSeconds);

    private sealed record AutomationJson(string Description, string Kind, string? Cron, string? Timezone, string? MissedTicks);

    private sealed record RetryJson(int MaxAttempts, long DelayMilliseconds, string Backoff, long MaxDelayMilliseconds);
}

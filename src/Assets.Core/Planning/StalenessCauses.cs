using Assets.Graph;

namespace Assets.Planning;

/// <summary>The sentences that say why a published partition is stale; built only for stale partitions.</summary>
internal static class StalenessCauses
{
    private const int ShownVersionLength = 8;

    public static string CodeVersionChanged(string? was, string now)
        => was is null
            ? $"code version changed: it was published without one and is now {Short(now)}"
            : $"code version changed from {Short(was)} to {Short(now)}";

    public static string Republished(AssetPartition upstream, string read, string now)
        => $"upstream {upstream} was republished with another data version ({Short(read)} → {Short(now)})";

    public static string Unpublished(AssetPartition upstream, string read)
        => $"upstream {upstream} no longer has a published version (this partition read {Short(read)})";

    public static string NotRead(AssetPartition upstream)
        => $"upstream {upstream} was not read when this partition was published (it is new since)";

    public static string NoLongerRead(AssetPartition upstream)
        => $"upstream {upstream} was read when this partition was published but is no longer one of its inputs";

    public static string UpstreamStale(AssetPartition upstream) => $"upstream {upstream} is stale";

    public static string SourceChanged(string source, string read, string now)
        => $"source changed since it was published: {source} ({Short(read)} → {Short(now)})";

    /// <summary>Long hashes shortened to their first characters, like git; short explicit versions (<c>"3"</c>) as they are.</summary>
    private static string Short(string version)
        => version.Length > ShownVersionLength + 4 ? version[..ShownVersionLength] + "…" : version;
}

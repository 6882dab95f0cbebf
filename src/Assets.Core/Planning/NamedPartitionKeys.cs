using Assets.Graph;
using Assets.Partitions;

namespace Assets.Planning;

/// <summary>
/// The keys a user names with <c>--partition</c> or <c>--partitions</c> must each name a partition of the selection: a key
/// that no selected asset has (a typo, a path, a date given to static or unpartitioned assets) is an error listing
/// what each selected asset takes, never a plan of something else.
/// </summary>
internal static class NamedPartitionKeys
{
    private const int AssetsListed = 8;

    /// <summary>Throws <see cref="PartitionKeyException"/> when a key of <paramref name="range"/> is a partition of none of <paramref name="assets"/>.</summary>
    public static void CheckEachNamesAPartition(IReadOnlyList<AssetDefinition> assets, PartitionRange range)
    {
        var keys = range.Partition is { } single ? [single] : range.Partitions ?? [];
        foreach (var key in keys)
        {
            if (!assets.Any(a => Takes(a.Partitions, key)))
            {
                throw new PartitionKeyException(Explain(assets, key));
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="definition"/> has <paramref name="key"/>: one of its keys (existing yet or not), or for time x
    /// static a key of either dimension.
    /// </summary>
    private static bool Takes(PartitionsDefinition? definition, string key) => definition switch
    {
        null => false,
        MultiPartitionsDefinition multi => multi.TryParseKey(key, out _, out _) || multi.Time.TryParseKey(key, out _, out _) || multi.Static.TryParseKey(key, out _, out _),
        _ => definition.TryParseKey(key, out _, out _),
    };

    private static string Explain(IReadOnlyList<AssetDefinition> assets, string key)
    {
        var shown = AssetKey.Printable(key.Length > 60 ? key[..60] + "..." : key);
        var reasons = assets.Take(AssetsListed).Select(a => $"{a.Key}: " + (a.Partitions switch
        {
            null => $"'{shown}' is not a partition key: the asset is not partitioned; select it without --partition",
            MultiPartitionsDefinition multi => $"'{shown}' is not a partition key of this asset: expected {multi.DescribeKeyForm()}, "
                + $"a time key ({multi.Time.DescribeKeyForm()}) or a static key ({multi.Static.DescribeKeyForm()})",
            var definition => definition.TryParseKey(key, out _, out var error) ? string.Empty : error,
        })).ToList();
        if (assets.Count == 1)
        {
            return reasons[0] + ".";
        }

        var more = assets.Count > AssetsListed ? $"{Environment.NewLine}  - and {assets.Count - AssetsListed} more" : string.Empty;
        return $"'{shown}' is not a partition of any selected asset:" + string.Concat(reasons.Select(r => Environment.NewLine + "  - " + r)) + more;
    }
}

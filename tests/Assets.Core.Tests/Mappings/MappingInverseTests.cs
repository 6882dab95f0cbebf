using Assets.Mappings;
using Assets.Partitions;
using NodaTime;

namespace Assets.Core.Tests.Mappings;

/// <summary>
/// GetDownstream is the exact inverse of GetUpstream: for every upstream key u and every existing
/// downstream key d, d is in GetDownstream(u) exactly when u is in GetUpstream(d).Keys.
/// </summary>
public class MappingInverseTests
{
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
    private static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];

    // Mid-range: later downstream partitions do not exist yet, so GetDownstream must leave them out.
    private static readonly Instant AsOf = Instant.FromUtc(2026, 4, 10, 12, 0);

    private static readonly TimeWindowPartitionsDefinition DailyBerlin = TimeWindowPartitionsDefinition.Daily(new LocalDate(2026, 3, 20), Berlin, new LocalDate(2026, 4, 20));
    private static readonly TimeWindowPartitionsDefinition DailyBerlinLater = TimeWindowPartitionsDefinition.Daily(new LocalDate(2026, 3, 25), Berlin, new LocalDate(2026, 4, 5));
    private static readonly TimeWindowPartitionsDefinition DailyNewYork = TimeWindowPartitionsDefinition.Daily(new LocalDate(2026, 3, 1), NewYork, new LocalDate(2026, 4, 20), endOffset: 1);
    private static readonly TimeWindowPartitionsDefinition HourlyBerlin = TimeWindowPartitionsDefinition.Hourly(new LocalDateTime(2026, 3, 27, 0, 0), Berlin, new LocalDateTime(2026, 3, 31, 5, 0));
    private static readonly TimeWindowPartitionsDefinition HourlyUtc = TimeWindowPartitionsDefinition.Hourly(new LocalDateTime(2026, 3, 28, 0, 0), DateTimeZone.Utc, new LocalDateTime(2026, 4, 11, 3, 0));
    private static readonly TimeWindowPartitionsDefinition WeeklySunday = TimeWindowPartitionsDefinition.Weekly(new LocalDate(2026, 3, 1), Berlin, new LocalDate(2026, 5, 3), firstDayOfWeek: IsoDayOfWeek.Sunday);
    private static readonly TimeWindowPartitionsDefinition Monthly = TimeWindowPartitionsDefinition.Monthly(new LocalDate(2026, 1, 1), Berlin, new LocalDate(2026, 6, 1));
    private static readonly StaticPartitionsDefinition Regions = new("us", "eu");
    private static readonly StaticPartitionsDefinition Countries = new("us", "ca", "de");
    private static readonly MultiPartitionsDefinition DailyRegions = new(DailyBerlin, Regions);
    private static readonly MultiPartitionsDefinition LaterRegions = new(DailyBerlinLater, Regions);
    private static readonly MultiPartitionsDefinition DailyCountries = new(DailyBerlin, Countries);

    public static TheoryData<string, PartitionMapping, PartitionsDefinition?, PartitionsDefinition?> Cases()
    {
        var data = new TheoryData<string, PartitionMapping, PartitionsDefinition?, PartitionsDefinition?>();
        (int, int)[] windows = [(0, 0), (-6, 0), (-1, -1), (0, 1), (2, 5), (-3, 2)];
        foreach (var (start, end) in windows)
        {
            var window = new TimeWindowPartitionMapping(start, end);
            data.Add($"daily over daily {window}", window, DailyBerlin, DailyBerlin);
            data.Add($"daily over later daily {window}", window, DailyBerlin, DailyBerlinLater);
            data.Add($"daily over hourly {window}", window, DailyBerlin, HourlyBerlin);
            data.Add($"hourly over daily {window}", window, HourlyBerlin, DailyBerlin);
            data.Add($"daily Berlin over daily New York {window}", window, DailyBerlin, DailyNewYork);
            data.Add($"daily New York over hourly UTC {window}", window, DailyNewYork, HourlyUtc);
            data.Add($"weekly over daily {window}", window, WeeklySunday, DailyBerlin);
            data.Add($"daily over weekly {window}", window, DailyBerlin, WeeklySunday);
            data.Add($"monthly over weekly {window}", window, Monthly, WeeklySunday);
            data.Add($"multi over multi {window}", window, DailyRegions, LaterRegions);
            data.Add($"multi over daily {window}", window, DailyRegions, DailyNewYork);
            data.Add($"daily over multi {window}", window, DailyNewYork, LaterRegions);
        }

        data.Add("identity equal", PartitionMapping.Identity, DailyBerlin, DailyBerlin);
        data.Add("identity later start", PartitionMapping.Identity, DailyBerlin, DailyBerlinLater);
        data.Add("identity earlier start", PartitionMapping.Identity, DailyBerlinLater, DailyBerlin);
        data.Add("identity multi over time", PartitionMapping.Identity, DailyRegions, DailyBerlinLater);
        data.Add("identity time over multi", PartitionMapping.Identity, DailyBerlinLater, DailyRegions);
        data.Add("identity multi over static", PartitionMapping.Identity, DailyRegions, Regions);
        data.Add("identity multi over multi", PartitionMapping.Identity, LaterRegions, DailyRegions);
        data.Add("identity unpartitioned upstream", PartitionMapping.Identity, DailyBerlin, null);
        data.Add("identity static", PartitionMapping.Identity, Regions, Regions);
        data.Add("all over daily", PartitionMapping.AllPartitions, DailyBerlin, HourlyBerlin);
        data.Add("all unpartitioned", PartitionMapping.AllPartitions, null, DailyBerlin);
        data.Add("all multi", PartitionMapping.AllPartitions, Regions, DailyRegions);
        data.Add("last over daily", PartitionMapping.LastPartition, DailyBerlin, HourlyBerlin);
        data.Add("last unpartitioned", PartitionMapping.LastPartition, null, DailyNewYork);
        data.Add("last multi", PartitionMapping.LastPartition, Countries, DailyRegions);
        var countriesToRegions = new StaticPartitionMapping([("us", "us"), ("ca", "us"), ("de", "eu"), ("us", "eu")]);
        data.Add("static", countriesToRegions, Regions, Countries);
        data.Add("static multi over static", countriesToRegions, DailyRegions, Countries);
        data.Add("static multi over multi", countriesToRegions, DailyRegions, DailyCountries);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GetDownstream_ForEveryPair_IsTheInverseOfGetUpstream(string name, PartitionMapping mapping, PartitionsDefinition? downstream, PartitionsDefinition? upstream)
    {
        Assert.True(mapping.Validate(downstream, upstream) is null, name);
        var downstreamKeys = downstream is null ? [null] : downstream.GetKeys(AsOf).Select(k => (PartitionKey?)k).ToList();
        var upstreamKeys = AllKeysInRange(upstream);
        var reads = downstreamKeys.ToDictionary(d => d?.Value ?? "<unpartitioned>", d => mapping.GetUpstream(d, downstream, upstream, AsOf).Keys.ToHashSet());
        var anyRead = false;

        foreach (var u in upstreamKeys)
        {
            var readers = mapping.GetDownstream(u, downstream, upstream, AsOf);
            Assert.Equal(readers.Count, readers.Distinct().Count());
            foreach (var d in readers)
            {
                Assert.Contains(d, downstreamKeys);
            }

            foreach (var d in downstreamKeys)
            {
                var reads_u = reads[d?.Value ?? "<unpartitioned>"].Contains(u);
                anyRead |= reads_u;
                Assert.True(reads_u == readers.Contains(d), $"{name}: downstream {d} reads upstream {u}: {reads_u}, but GetDownstream says {!reads_u}");
            }
        }

        Assert.True(anyRead, $"{name}: the case is vacuous");
    }

    private static List<PartitionKey?> AllKeysInRange(PartitionsDefinition? definition) => definition switch
    {
        null => [null],
        TimeWindowPartitionsDefinition time => Enumerable.Range(0, time.LastIndex!.Value + 1).Select(i => (PartitionKey?)time.KeyAt(i)).ToList(),
        MultiPartitionsDefinition multi => Enumerable.Range(0, (multi.Time.LastIndex!.Value + 1) * multi.Static.Keys.Count).Select(i => (PartitionKey?)multi.KeyAt(i)).ToList(),
        _ => definition.GetKeys(Instant.MaxValue).Select(k => (PartitionKey?)k).ToList(),
    };
}

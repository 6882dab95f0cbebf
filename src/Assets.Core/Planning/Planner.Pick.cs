using Assets.Partitions;
using NodaTime;

namespace Assets.Planning;

public static partial class Planner
{
    /// <summary>
    /// The positions of one asset's space in the range: <see cref="First"/> to <see cref="Last"/> every
    /// <see cref="Stride"/>, or the <see cref="Listed"/> ones, plus partitions asked for by key that do not exist yet.
    /// </summary>
    private readonly record struct Pick(int First, int Last, int Stride, IReadOnlyList<PartitionKey> NotYet, IReadOnlyList<int>? Listed = null)
    {
        private static Pick Whole(AssetStatuses statuses) => new(0, statuses.Space.Count - 1, 1, []);

        private static Pick Nothing => new(0, -1, 1, []);

        private bool IsWhole(AssetStatuses statuses) => Listed is null && First == 0 && Last == statuses.Space.Count - 1 && Stride == 1;

        /// <summary>The positions picked, in partition order.</summary>
        public IEnumerable<int> Positions()
        {
            if (Listed is { } listed)
            {
                foreach (var i in listed)
                {
                    yield return i;
                }

                yield break;
            }

            for (var i = First; i <= Last; i += Stride)
            {
                yield return i;
            }
        }

        public static Pick Of(AssetStatuses statuses, PartitionRange range)
        {
            var definition = statuses.Definition.Partitions;
            if (range.IsAll || definition is null)
            {
                return Whole(statuses);
            }

            if (range.Partitions is { } keys)
            {
                return Several(statuses, definition, keys);
            }

            return range.Partition is { } text ? Single(statuses, definition, text) : Between(statuses, definition, range);
        }

        /// <summary>The union of each key's <see cref="Single"/> pick: an asset planned whole for one key is planned whole.</summary>
        private static Pick Several(AssetStatuses statuses, PartitionsDefinition definition, IReadOnlyList<string> keys)
        {
            var positions = new SortedSet<int>();
            var notYet = new List<PartitionKey>();
            foreach (var key in keys)
            {
                var pick = Single(statuses, definition, key);
                if (pick.IsWhole(statuses))
                {
                    return pick;
                }

                positions.UnionWith(pick.Positions());
                notYet.AddRange(pick.NotYet.Where(k => !notYet.Contains(k)));
            }

            return new(0, -1, 1, notYet, positions.ToArray());
        }

        private static Pick Single(AssetStatuses statuses, PartitionsDefinition definition, string text)
        {
            var key = statuses.Definition.Key;
            var count = statuses.Space.Count;
            switch (definition)
            {
                case TimeWindowPartitionsDefinition time:
                {
                    if (!time.TryParseKey(text, out var parsed, out var error))
                    {
                        throw new PartitionKeyException($"{key}: {error}");
                    }

                    var index = time.IndexOf(parsed);
                    return index < count ? new(index, index, 1, []) : Nothing with { NotYet = [parsed] };
                }

                case StaticPartitionsDefinition @static:
                    return @static.TryParseKey(text, out var staticKey, out _) ? At(statuses.Space.IndexOf(staticKey)) : Whole(statuses);

                case MultiPartitionsDefinition multi:
                {
                    var width = multi.Static.Keys.Count;
                    var windows = count / width;
                    if (multi.TryParseKey(text, out var full, out _))
                    {
                        return statuses.Space.IndexOf(full) is var index and >= 0 ? At(index) : Nothing with { NotYet = [full] };
                    }

                    if (multi.Time.TryParseKey(text, out var timeKey, out _))
                    {
                        var window = multi.Time.IndexOf(timeKey);
                        return window < windows
                            ? new(window * width, (window * width) + width - 1, 1, [])
                            : Nothing with { NotYet = multi.Static.Keys.Select(s => multi.Combine(timeKey, s)).ToArray() };
                    }

                    if (multi.Static.TryParseKey(text, out var staticPart, out _))
                    {
                        var position = multi.Static.IndexOf(staticPart);
                        return new(position, ((windows - 1) * width) + position, width, []);
                    }

                    throw new PartitionKeyException(
                        $"{key}: '{text}' is not a partition key of this asset: expected {multi.DescribeKeyForm()}, "
                        + $"a time key ({multi.Time.DescribeKeyForm()}) or a static key ({multi.Static.DescribeKeyForm()})");
                }

                default:
                    return Whole(statuses);
            }
        }

        private static Pick Between(AssetStatuses statuses, PartitionsDefinition definition, PartitionRange range)
        {
            var (time, width) = definition switch
            {
                TimeWindowPartitionsDefinition t => (t, 1),
                MultiPartitionsDefinition m => (m.Time, m.Static.Keys.Count),
                _ => (null, 1),
            };
            if (time is null)
            {
                return Whole(statuses);
            }

            var asset = statuses.Definition.Key;
            long first = 0, last = long.MaxValue;
            Instant? start = null, end = null;
            if (range.From is { } from)
            {
                first = TimeRangeBound.TryFirst(time, from, out var index, out var at, out var error) ? index : throw new PartitionKeyException($"{asset}: the range start {error}");
                start = at;
            }

            if (range.To is { } to)
            {
                last = TimeRangeBound.TryLast(time, to, out var index, out var at, out var error) ? index : throw new PartitionKeyException($"{asset}: the range end {error}");
                end = at;
            }

            if (start >= end)
            {
                throw new PartitionKeyException($"The range starts at {range.From} and ends at {range.To}, before it starts: swap them.");
            }

            // Windows before the first partition or after the last that exists are left out.
            first = Math.Max(first, 0);
            last = Math.Min(last, (statuses.Space.Count / width) - 1L);
            return first > last ? Nothing : new((int)first * width, ((int)(last + 1) * width) - 1, 1, []);
        }

        private static Pick At(int index) => index >= 0 ? new(index, index, 1, []) : Nothing;
    }
}

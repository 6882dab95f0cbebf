using NodaTime;

namespace Assets.Partitions;

/// <summary>Resolves IANA time zone ids, suggesting the ids a mistyped one was probably meant to be.</summary>
internal static class TimeZoneNames
{
    public static DateTimeZone Resolve(string? id)
    {
        if (!string.IsNullOrWhiteSpace(id) && DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) is { } zone)
        {
            return zone;
        }

        var shown = AssetKey.Printable(id ?? string.Empty);
        var suggestions = Suggest(id ?? string.Empty);
        var hint = suggestions.Count > 0
            ? $"did you mean {string.Join(" or ", suggestions.Select(s => $"'{s}'"))}?"
            : "use an IANA id such as 'UTC', 'Europe/Berlin' or 'America/New_York'.";
        throw new DefinitionException($"Timezone '{shown}' is not a known IANA time zone id: {hint}");
    }

    private static List<string> Suggest(string id)
    {
        var ids = DateTimeZoneProviders.Tzdb.Ids;
        var trimmed = id.Trim().Replace(' ', '_');
        var exact = ids.Where(z => string.Equals(z, trimmed, StringComparison.OrdinalIgnoreCase)).ToList();
        if (exact.Count > 0)
        {
            return exact;
        }

        var city = trimmed[(trimmed.LastIndexOf('/') + 1)..];
        var sameCity = city.Length == 0
            ? []
            : ids.Where(z => string.Equals(z[(z.LastIndexOf('/') + 1)..], city, StringComparison.OrdinalIgnoreCase)).Take(3).ToList();
        if (sameCity.Count > 0)
        {
            return sameCity;
        }

        var limit = Math.Max(1, trimmed.Length / 4);
        return ids
            .Select(z => (Id: z, Distance: Distance(z.ToUpperInvariant(), trimmed.ToUpperInvariant())))
            .Where(z => z.Distance <= limit)
            .OrderBy(z => z.Distance)
            .ThenBy(z => z.Id, StringComparer.Ordinal)
            .Take(3)
            .Select(z => z.Id)
            .ToList();
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}

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
            .Select(z => (Id: z, Distance: Suggestions.EditDistance(z, trimmed)))
            .Where(z => z.Distance <= limit)
            .OrderBy(z => z.Distance)
            .ThenBy(z => z.Id, StringComparer.Ordinal)
            .Take(3)
            .Select(z => z.Id)
            .ToList();
    }
}

using Assets.Partitions;

// Projects a new user writes (with their mistakes), loaded by DefinitionErrorTests and PartitionKeyCommandTests as a user's program would.
namespace Assets.Host.Tests.CommandLine.DefinitionProjects;

public sealed record Country(string Code, string Name);

public sealed record Stamp(string Id, DateTimeOffset At);

/// <summary>A client the project uses but never registers.</summary>
public interface IShopClient
{
    IEnumerable<Country> Countries();
}

/// <summary>Reference data under a key prefix, with a check named by nameof and a parameter named after the method.</summary>
public static class ReferenceAssets
{
    [Asset(KeyPrefix = "ref")]
    public static IEnumerable<Country> CountryDim() => [new("DE", "Germany"), new("FR", "")];

    [AssetCheck(nameof(CountryDim), Blocking = true)]
    public static CheckResult EveryCountryHasAName(IEnumerable<Country> countryDim)
        => countryDim.All(c => c.Name.Length > 0) ? CheckResult.Pass() : CheckResult.Fail("a country has no name");
}

/// <summary>Three mistakes, each of which today surfaces only when a step runs (or never).</summary>
public sealed class MistakenAssets(IShopClient client)
{
    [Asset]
    public IEnumerable<Country> Countries() => client.Countries();

    [Asset]
    public static IEnumerable<Stamp> Stamps() => [new("a", DateTimeOffset.UnixEpoch)];

    [Asset]
    public static IEnumerable<Country> EuCountries(IEnumerable<Country> countryDim) => countryDim;
}

/// <summary>A daily asset whose partitions exist up to now: which ones exist depends on the framework's clock.</summary>
public static class OpenEndedAssets
{
    [Asset]
    [DailyPartitions("2026-01-01")]
    public static IEnumerable<Country> DailyCountries() => [];
}

/// <summary>Reads ref/country_dim, whose check quarantines it, and is read in turn: both are skipped by a run.</summary>
public static class CountryReports
{
    [Asset]
    public static IEnumerable<Country> NamedCountries([From("ref/country_dim")] IEnumerable<Country> countries) => countries.Where(c => c.Name.Length > 0);

    [Asset]
    public static IEnumerable<Country> SortedCountries(IEnumerable<Country> namedCountries) => namedCountries.OrderBy(c => c.Code);
}

/// <summary>An hourly and a daily asset in different zones, for one date range across cadences.</summary>
public static class ClickAssets
{
    [Asset]
    [HourlyPartitions("2026-03-01-00:00", End = "2026-03-31-23:00", Timezone = "America/New_York")]
    public static IEnumerable<Country> HourlyClicks() => [];

    [Asset]
    [DailyPartitions("2026-03-01", End = "2026-03-31", Timezone = "Europe/Berlin")]
    public static IEnumerable<Country> DailyClicks() => [];
}

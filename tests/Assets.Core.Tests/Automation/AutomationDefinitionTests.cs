using Assets.Automation;
using Assets.Core.Tests.Automation.Fixtures;
using Assets.Graph;
using NodaTime;

namespace Assets.Core.Tests.Automation;

public sealed class AutomationDefinitionTests
{
    private static string ErrorOf(Type project)
        => Assert.Single(Assert.Throws<AssetDefinitionException>(() => new AssetGraphBuilder().AddTypes(project).Build()).Errors).Message;

    [Fact]
    public void Build_ReadsEagerAndScheduledPolicies()
    {
        var eager = new AssetGraphBuilder().AddTypes(typeof(EagerProject)).Build();
        var scheduled = new AssetGraphBuilder().AddTypes(typeof(ScheduledProject)).Build();

        Assert.Same(AutomationPolicy.Eager, eager[AssetKey.Parse("source_orders")].Automation);
        Assert.Null(eager[AssetKey.Parse("manual_orders")].Automation);
        var daily = scheduled[AssetKey.Parse("daily_export")].Automation!;
        Assert.Equal(AutomationKind.Cron, daily.Kind);
        Assert.Equal("cron 0 6 * * * (Europe/Berlin), missed ticks: all", daily.Describe());
        Assert.Equal(MissedTickPolicy.Last, scheduled[AssetKey.Parse("region_export")].Automation!.MissedTicks);
    }

    [Fact]
    public void Build_EagerWithASchedule_SaysToChooseOne()
        => Assert.Contains("takes no Cron or Timezone", ErrorOf(typeof(EagerWithCron)), StringComparison.Ordinal);

    [Fact]
    public void Build_ScheduleWithoutCron_AsksForOne()
        => Assert.Contains("[Automation] needs Cron = \"...\"", ErrorOf(typeof(CronWithoutExpression)), StringComparison.Ordinal);

    [Fact]
    public void Build_BadCronAndZone_NamesBoth()
    {
        var message = ErrorOf(typeof(BadCronAndZone));

        Assert.Contains("[Automation(Cron = \"at six\")] is not a five-field cron expression", message, StringComparison.Ordinal);
        Assert.Contains("[Automation(Timezone = \"Berlin\")] is not an IANA time zone id", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SixFieldCron_TicksOnTheSecondsField()
    {
        var policy = new AssetGraphBuilder().AddTypes(typeof(SecondsSchedule)).Build()[AssetKey.Parse("heartbeat")].Automation!;

        var ticks = policy.TicksBetween(Instant.FromUtc(2026, 1, 1, 6, 0, 5), Instant.FromUtc(2026, 1, 1, 6, 0, 30)).ToList();

        Assert.Equal([Instant.FromUtc(2026, 1, 1, 6, 0, 10), Instant.FromUtc(2026, 1, 1, 6, 0, 20), Instant.FromUtc(2026, 1, 1, 6, 0, 30)], ticks);
        Assert.Equal("cron */10 * * * * * (UTC), missed ticks: all", policy.Describe());
    }

    [Fact]
    public void Build_SixFieldCronWithABadSecond_SaysSecondsComeFirst()
        => Assert.Contains("[Automation(Cron = \"75 * * * * *\")] is not a five-field cron expression, nor a six-field one with seconds first", ErrorOf(typeof(BadSecondsSchedule)), StringComparison.Ordinal);
}

using NodaTime;

namespace Assets.Hosting;

/// <summary>
/// The clock Assets takes "now" from: publish times, which time partitions exist (a window exists once it has
/// ended), freshness, schedules. It is its own service, registered by <c>AddAssets</c> as <see cref="System"/>, so an
/// <see cref="IClock"/> a project registers for its own code never changes it by accident. To fake time in a test,
/// register one over a NodaTime <c>FakeClock</c>, before or after <c>AddAssets</c>:
/// <code>
/// var clock = new FakeClock(Instant.FromUtc(2026, 2, 1, 0, 0));
/// builder.Services.AddSingleton(new AssetsClock(clock));
/// </code>
/// Immutable; as thread-safe as the clock it wraps.
/// </summary>
public sealed class AssetsClock : IClock
{
    /// <summary>Wraps <paramref name="clock"/>.</summary>
    public AssetsClock(IClock clock) => Clock = clock ?? throw new ArgumentNullException(nameof(clock));

    /// <summary>The system clock, the default.</summary>
    public static AssetsClock System { get; } = new(SystemClock.Instance);

    /// <summary>The wrapped clock.</summary>
    public IClock Clock { get; }

    /// <inheritdoc />
    public Instant GetCurrentInstant() => Clock.GetCurrentInstant();
}

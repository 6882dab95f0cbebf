using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Assets.Execution;

/// <summary>
/// The framework's <see cref="System.Diagnostics.Metrics.Meter"/> and <see cref="System.Diagnostics.ActivitySource"/>,
/// both named <see cref="Name"/>, for OpenTelemetry to export (<c>AddMeter("Assets")</c>, <c>AddSource("Assets")</c>).
/// The executor reports <c>assets.steps.started</c>, <c>assets.steps.finished</c> (tagged with the outcome),
/// <c>assets.steps.retries</c> and the histogram <c>assets.step.duration</c> (seconds), each tagged with the asset,
/// and one activity per step (<c>materialize</c>). Static for the process's lifetime, as .NET telemetry sources are.
/// </summary>
public static class AssetsTelemetry
{
    /// <summary>The name of the meter and the activity source: <c>Assets</c>.</summary>
    public const string Name = "Assets";

    /// <summary>The meter of the framework's metrics.</summary>
    public static Meter Meter { get; } = new(Name);

    /// <summary>The source of the framework's traces.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);
}

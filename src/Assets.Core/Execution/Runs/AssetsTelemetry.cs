using System.Diagnostics;
using System.Diagnostics.Metrics;
using Assets.Graph;

namespace Assets.Execution;

/// <summary>
/// The framework's <see cref="System.Diagnostics.Metrics.Meter"/> and <see cref="System.Diagnostics.ActivitySource"/>,
/// both named <see cref="Name"/>, for OpenTelemetry to export (<c>AddMeter("Assets")</c>, <c>AddSource("Assets")</c>;
/// <c>AddAssetsTelemetry()</c> in Assets.Host does both and adds the OTLP exporter).
/// <para>
/// Traces: a run is a span <see cref="RunSpan"/>; each step in it a child <see cref="StepSpan"/>, whose children are a
/// <see cref="CheckSpan"/> per check evaluated and the <see cref="PublishSpan"/>; each retry of the step is an event
/// <see cref="RetryEvent"/> on the step's span. Spans carry <see cref="AssetTag"/>, <see cref="PartitionTag"/> and
/// <see cref="RunTag"/> (a check also <see cref="CheckTag"/> and <see cref="PassedTag"/>; a step its
/// <see cref="OutcomeTag"/> and attempts).
/// </para>
/// <para>
/// Metrics: <c>assets.runs.finished</c> and <c>assets.run.duration</c> (s) by outcome; <c>assets.steps.started</c>,
/// <c>assets.steps.finished</c> (by outcome), <c>assets.steps.retries</c> and <c>assets.step.duration</c> (s);
/// <c>assets.publishes</c> and <c>assets.rows.published</c>; <c>assets.checks.evaluated</c> (by check and result); each
/// tagged with the asset. Static for the process's lifetime, as .NET telemetry sources are.
/// </para>
/// </summary>
public static class AssetsTelemetry
{
    /// <summary>The name of the meter and the activity source: <c>Assets</c>.</summary>
    public const string Name = "Assets";

    /// <summary>The span of a run: <c>assets.run</c>.</summary>
    public const string RunSpan = "assets.run";

    /// <summary>The span of one step (an asset partition, all its attempts): <c>assets.step</c>.</summary>
    public const string StepSpan = "assets.step";

    /// <summary>The span of the publish of a step's materialization: <c>assets.publish</c>.</summary>
    public const string PublishSpan = "assets.publish";

    /// <summary>The span of one check's evaluation: <c>assets.check</c>.</summary>
    public const string CheckSpan = "assets.check";

    /// <summary>The event on a step's span when an attempt is retried: <c>assets.retry</c>.</summary>
    public const string RetryEvent = "assets.retry";

    /// <summary>The tag of the asset key: <c>assets.asset</c>.</summary>
    public const string AssetTag = "assets.asset";

    /// <summary>The tag of the partition key (absent for an unpartitioned asset): <c>assets.partition</c>.</summary>
    public const string PartitionTag = "assets.partition";

    /// <summary>The tag of the run id: <c>assets.run_id</c>.</summary>
    public const string RunTag = "assets.run_id";

    /// <summary>The tag of an outcome (a step's or a run's): <c>assets.outcome</c>.</summary>
    public const string OutcomeTag = "assets.outcome";

    /// <summary>The tag of a check's name: <c>assets.check</c>.</summary>
    public const string CheckTag = "assets.check";

    /// <summary>The tag of a check's result: <c>assets.check.passed</c>.</summary>
    public const string PassedTag = "assets.check.passed";

    /// <summary>The tag of an attempt number: <c>assets.attempt</c>.</summary>
    public const string AttemptTag = "assets.attempt";

    /// <summary>The meter of the framework's metrics.</summary>
    public static Meter Meter { get; } = new(Name);

    /// <summary>The source of the framework's traces.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Starts a span about one partition of a run (<c>null</c> when nobody listens).</summary>
    internal static Activity? StartActivity(string name, AssetPartition partition, RunId run)
    {
        var activity = ActivitySource.StartActivity(name);
        activity?.SetTag(AssetTag, partition.Asset.Value);
        activity?.SetTag(PartitionTag, partition.Partition?.Value);
        activity?.SetTag(RunTag, run.Value);
        return activity;
    }
}

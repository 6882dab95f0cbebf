using System.Reflection;
using Assets.Execution;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

// In the hosting namespace by convention, so AddAssetsTelemetry is found on builder where Program.cs configures it.
namespace Microsoft.Extensions.Hosting;

/// <summary>Exports the traces, metrics and logs of Assets through OpenTelemetry.</summary>
public static class AssetsTelemetryExtensions
{
    /// <summary>The configuration key (an environment variable too) whose presence turns on the OTLP exporter.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Adds OpenTelemetry with the <c>Assets</c> traces and metrics (see <see cref="AssetsTelemetry"/>) and the logs, and
    /// exports all three through OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is configured (an environment variable or a
    /// configuration key; <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_EXPORTER_OTLP_HEADERS</c> and <c>OTEL_SERVICE_NAME</c>
    /// are read as the OpenTelemetry SDK defines them). The service name defaults to the program's assembly name.
    /// <paramref name="configure"/> adds more (instrumentation, other exporters, an in-memory exporter in a test).
    /// The command line calls this by itself when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, so configuration alone is enough.
    /// </summary>
    public static IHostApplicationBuilder AddAssetsTelemetry(this IHostApplicationBuilder builder, Action<OpenTelemetryBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(s => s.ServiceType == typeof(AssetsTelemetryMarker)))
        {
            return builder;
        }

        builder.Services.AddSingleton<AssetsTelemetryMarker>();
        var serviceName = Assembly.GetEntryAssembly()?.GetName().Name ?? AssetsTelemetry.Name;
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing.AddSource(AssetsTelemetry.Name))
            .WithMetrics(metrics => metrics.AddMeter(AssetsTelemetry.Name))
            .WithLogging();
        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]))
        {
            otel.UseOtlpExporter();
        }

        configure?.Invoke(otel);
        return builder;
    }

    /// <summary>
    /// Creates the tracer and meter providers registered by <see cref="AddAssetsTelemetry"/>: a command runs without
    /// starting the host's hosted services, which is where OpenTelemetry would otherwise create them. Disposing the
    /// services flushes what is pending.
    /// </summary>
    internal static void StartTelemetry(IServiceProvider services)
    {
        _ = services.GetService<TracerProvider>();
        _ = services.GetService<MeterProvider>();
    }

    private sealed class AssetsTelemetryMarker;
}

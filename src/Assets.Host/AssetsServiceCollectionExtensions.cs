using Assets.Graph;
using Assets.Hosting;
using Assets.Hosting.Configuration;
using Assets.Hosting.Storage;
using Assets.Storage.Parquet;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NodaTime;

// In the DI namespace by convention, so AddAssets is found where services are configured.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Assets in a host's services.</summary>
public static class AssetsServiceCollectionExtensions
{
    /// <summary>
    /// Adds Assets: the asset graph read from the assemblies <paramref name="configure"/> names (built on
    /// first use, with every definition error reported at once), <see cref="AssetsOptions"/> bound from
    /// the configuration section <c>Assets</c> and validated at start, and the framework's clock
    /// (<see cref="AssetsClock.System"/>, unless an <see cref="AssetsClock"/> is registered already).
    /// </summary>
    public static IServiceCollection AddAssets(this IServiceCollection services, Action<AssetsBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new AssetsBuilder();
        configure(builder);
        if (builder.Assemblies.Count == 0 && builder.Types.Count == 0)
        {
            throw new ArgumentException("AddAssets needs at least one place to look for assets: call FromAssemblyContaining(typeof(SomeAssets)) or FromAssembly(...).", nameof(configure));
        }

        services.AddOptions<AssetsOptions>()
            .Configure<IConfiguration>((options, configuration) => ConfigurationValues.Bind(configuration.GetSection(AssetsOptions.SectionName), options))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AssetsOptions>, AssetsOptionsValidator>());
        // The framework's own clock, so a user's IClock registration (for their own code) never changes what Assets
        // takes as now; tests fake time by registering an AssetsClock over a NodaTime FakeClock.
        services.TryAddSingleton(AssetsClock.System);
        services.TryAddSingleton<AssetsStorage>();
        services.TryAddSingleton<Assets.Planning.StatusGridCache>();
        services.TryAddSingleton(provider =>
        {
            var isService = provider.GetRequiredService<IServiceProviderIsService>();
            var graphBuilder = new AssetGraphBuilder()
                .UseServices(isService.IsService)
                .UseRecordFormat(static type => ParquetRecordFormat.TrySupport(type, out var problems)
                    ? null
                    : problems?.ReplaceLineEndings(" "));
            foreach (var assembly in builder.Assemblies)
            {
                graphBuilder.AddAssembly(assembly);
            }

            return graphBuilder.AddTypes([.. builder.Types]).Build();
        });
        return services;
    }
}

using Assets.Hosting;
using ExampleAssets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

// The whole command line of the example: register the assets and the services their bodies use.
return await AssetsApplication.RunAsync(args, builder =>
{
    builder.Services.AddAssets(assets => assets.FromAssemblyContaining(typeof(SalesAssets)));
    builder.Services.AddOptions<ExampleOptions>().BindConfiguration(ExampleOptions.SectionName).ValidateOnStart();
    builder.Services.AddSingleton<IValidateOptions<ExampleOptions>, ExampleOptionsValidator>();
});

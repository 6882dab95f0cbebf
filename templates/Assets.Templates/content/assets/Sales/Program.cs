using Assets.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Sales;

// The whole command line: list, plan, materialize, status, backfill, freshness, observe, serve ... (--help lists them).
return await AssetsApplication.RunAsync(args, builder =>
{
    builder.Services.AddAssets(assets => assets.FromAssemblyContaining(typeof(SalesAssets)));
    builder.Services.AddOptions<SalesOptions>().BindConfiguration(SalesOptions.SectionName);
});

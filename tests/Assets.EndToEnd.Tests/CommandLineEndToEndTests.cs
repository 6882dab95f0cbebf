using System.Text.Json;

namespace Assets.EndToEnd.Tests;

public sealed class CommandLineEndToEndTests
{
    [Fact]
    public async Task List_ShowsTheFiveExampleAssetsWithPartitionsDependenciesAndPolicies()
    {
        // list opens the metadata store for the freshness states: a root of its own, not the repository's ./.assets.
        var root = Path.Combine(Path.GetTempPath(), "assets-list-" + Guid.NewGuid().ToString("N"));
        ExampleProgram.Result result;
        try
        {
            result = await ExampleProgram.RunAsync(new Dictionary<string, string> { ["Assets__Root"] = root }, "list", "--json");
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        var assets = json.RootElement.GetProperty("assets").EnumerateArray().ToDictionary(a => a.GetProperty("asset").GetString()!);
        Assert.Equal(["all_time_summary", "clean_orders", "raw_orders", "region_revenue", "rolling_revenue"], assets.Keys.Order());
        Assert.Equal("daily from 2026-01-01 to 2026-01-31 (Europe/Berlin)", assets["raw_orders"].GetProperty("partitions").GetProperty("description").GetString());
        Assert.Equal(10800, assets["raw_orders"].GetProperty("freshness").GetProperty("maxLagSeconds").GetInt64());
        Assert.Equal("static", assets["region_revenue"].GetProperty("partitions").GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, assets["all_time_summary"].GetProperty("partitions").ValueKind);
        var rolling = Assert.Single(assets["rolling_revenue"].GetProperty("dependencies").EnumerateArray());
        Assert.Equal(("clean_orders", "window(-6, 0)"), (rolling.GetProperty("asset").GetString(), rolling.GetProperty("mapping").GetString()));
        Assert.All(assets.Values, a => Assert.Equal("eager", a.GetProperty("automation").GetProperty("kind").GetString()));
        Assert.Equal("unknown", assets["raw_orders"].GetProperty("freshness").GetProperty("state").GetString());
        Assert.Equal(21600, assets["raw_orders"].GetProperty("source").GetProperty("lateAfterSeconds").GetInt64());
        Assert.Equal(JsonValueKind.Null, assets["clean_orders"].GetProperty("source").ValueKind);
    }

    [Fact]
    public async Task LineageMermaid_DrawsTheExampleEdges()
    {
        var result = await ExampleProgram.RunAsync("lineage", "--format", "mermaid");

        Assert.Equal(0, result.ExitCode);
        var edges = result.Out.Split('\n').Select(l => l.Trim()).Where(l => l.Contains("-->", StringComparison.Ordinal)).ToArray();
        Assert.Equal(4, edges.Length);
        Assert.Contains("a0 --> a1", edges);
        Assert.Contains("a1 -->|\"window(-6, 0)\"| a4", edges);
    }

    [Fact]
    public async Task UnknownAssetInSelect_ExitsTwoWithASuggestionOnStderr()
    {
        var result = await ExampleProgram.RunAsync("lineage", "--select", "+rolling_revenu");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Out);
        Assert.Equal("There is no asset 'rolling_revenu'; did you mean 'rolling_revenue'?", result.Error.Trim());
    }

    [Fact]
    public async Task BadConfigurationFromTheEnvironmentStyleOption_ExitsTwoNamingTheKey()
    {
        var result = await ExampleProgram.RunAsync("list", "--root", "s3://x");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Assets:Root", result.Error, StringComparison.Ordinal);
    }
}

using System.Text.Json;
using Assets.Hosting;
using Assets.Hosting.CommandLine;
using Assets.Host.Tests.CommandLine.Projects;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Assets.Host.Tests.CommandLine;

public sealed class CommandLineTests
{
    private sealed record Outcome(int ExitCode, string Out, string Error);

    private static async Task<Outcome> RunAsync(Action<HostApplicationBuilder> configure, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await AssetsApplication.RunAsync(args, configure, Terminal.ForWriters(output, error), CancellationToken.None);
        return new Outcome(exitCode, output.ToString(), error.ToString());
    }

    private static Task<Outcome> RunShopAsync(params string[] args)
        => RunAsync(b => b.Services.AddAssets(a => a.FromTypes(typeof(ShopAssets))), args);

    [Fact]
    public async Task List_Json_DescribesEveryAssetInTheDocumentedShape()
    {
        var outcome = await RunShopAsync("list", "--json");

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Empty(outcome.Error);
        using var document = JsonDocument.Parse(outcome.Out);
        var assets = document.RootElement.GetProperty("assets").EnumerateArray().ToArray();
        Assert.Equal(["raw_orders", "clean_orders", "all_time_summary", "rolling_revenue"], assets.Select(a => a.GetProperty("asset").GetString()));

        var raw = assets[0];
        Assert.Equal("sales", raw.GetProperty("group").GetString());
        Assert.Equal("daily", raw.GetProperty("partitions").GetProperty("kind").GetString());
        Assert.Equal(31, raw.GetProperty("partitions").GetProperty("count").GetInt32());
        Assert.Equal("2026-01-01", raw.GetProperty("partitions").GetProperty("first").GetString());
        Assert.Equal("2026-01-31", raw.GetProperty("partitions").GetProperty("last").GetString());
        Assert.Equal(10800, raw.GetProperty("freshness").GetProperty("maxLagSeconds").GetInt64());
        Assert.Equal("body", raw.GetProperty("codeVersionSource").GetString());
        Assert.Equal("gold", raw.GetProperty("tags").GetProperty("tier").GetString());

        var rolling = assets[3];
        var dependency = Assert.Single(rolling.GetProperty("dependencies").EnumerateArray());
        Assert.Equal("clean_orders", dependency.GetProperty("asset").GetString());
        Assert.Equal("window(-6, 0)", dependency.GetProperty("mapping").GetString());
        Assert.Equal(JsonValueKind.Null, rolling.GetProperty("freshness").ValueKind);

        var summary = assets[2];
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("partitions").ValueKind);
        Assert.Equal("2", summary.GetProperty("codeVersion").GetString());
        Assert.Equal("explicit", summary.GetProperty("codeVersionSource").GetString());
        var check = Assert.Single(assets[1].GetProperty("checks").EnumerateArray());
        Assert.Equal("no_negative_amounts", check.GetProperty("name").GetString());
        Assert.True(check.GetProperty("blocking").GetBoolean());
    }

    [Fact]
    public async Task List_Text_ShowsOneBlockPerAssetWithPartitionsDependenciesAndPolicies()
    {
        var outcome = await RunShopAsync("list");

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        var lines = outcome.Out.Split(Environment.NewLine).Select(l => l.TrimEnd()).ToArray();
        var raw = Array.IndexOf(lines, "raw_orders (sales)  Orders as exported");
        Assert.True(raw >= 0, outcome.Out);
        Assert.Equal(
            [
                "  partitions   daily from 2026-01-01 to 2026-01-31 (Europe/Berlin), 31 partitions",
                "  reads        -",
                "  checks       -",
                "  freshness    max lag 3h: unknown (never published)",
                "  automation   -",
                "  source       -",
                "  retry        3 attempts, 1s exponential with jitter (max 1m)",
                "  owners       data@shop.io",
                "  tags         tier=gold",
            ],
            lines[(raw + 1)..(raw + 10)]);
        Assert.Contains("  reads        clean_orders (window(-6, 0))", lines);
        Assert.Contains("  checks       no_negative_amounts (blocking)", lines);
        Assert.Contains("  code version 2", lines);
        Assert.Equal("4 assets", lines.Last(l => l.Length > 0));
    }

    [Theory]
    [InlineData("freshness", "No asset has a freshness policy: add [Freshness(MaxLag = \"3h\")] to one.")]
    [InlineData("observe", "No selected asset observes its source: add a [SourceObserver(\"asset\")] method to one.")]
    public async Task NothingToJudgeOrObserve_SaysHowToDeclareIt(string command, string expected)
    {
        var root = Path.Combine(Path.GetTempPath(), "assets-plain-" + Guid.NewGuid().ToString("N"));
        try
        {
            var outcome = await RunAsync(b => b.Services.AddAssets(a => a.FromTypes(typeof(PlainAssets))), command, "--root", root);

            Assert.Equal((ExitCodes.Success, string.Empty), (outcome.ExitCode, outcome.Error));
            Assert.Equal(expected, outcome.Out.Trim());
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Serve_NotAUrl_ExitsTwoSayingWhatToGive()
    {
        var outcome = await RunShopAsync("serve", "--urls", "notaurl");

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
        Assert.Contains("--urls 'notaurl' is not an http(s) URL to listen on: give one such as http://127.0.0.1:5088", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lineage_Mermaid_DrawsEveryEdgeWithItsMapping()
    {
        var outcome = await RunShopAsync("lineage", "--format", "mermaid");

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        var lines = outcome.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("graph LR", lines[0]);
        Assert.Contains("a0[\"raw_orders<br/><small>daily from 2026-01-01 to 2026-01-31 (Europe/Berlin)</small>\"]", lines);
        Assert.Contains("a0 --> a1", lines);
        Assert.Contains("a1 -->|\"all partitions\"| a2", lines);
        Assert.Contains("a1 -->|\"window(-6, 0)\"| a3", lines);
        Assert.Equal(3, lines.Count(l => l.Contains("-->", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Lineage_DotWithSelection_DrawsOnlyTheSelectedPart()
    {
        var outcome = await RunShopAsync("lineage", "--select", "+rolling_revenue", "--format", "dot");

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.StartsWith("digraph assets {", outcome.Out, StringComparison.Ordinal);
        Assert.Contains("\"clean_orders\" -> \"rolling_revenue\" [label=\"window(-6, 0)\"];", outcome.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("raw_orders", outcome.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("all_time_summary", outcome.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lineage_Text_ListsWhatEachAssetReads()
    {
        var outcome = await RunShopAsync("lineage");

        Assert.Equal(ExitCodes.Success, outcome.ExitCode);
        Assert.Contains("rolling_revenue   <- clean_orders (window(-6, 0))", outcome.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lineage_UnknownAsset_ExitsTwoWithASuggestion()
    {
        var outcome = await RunShopAsync("lineage", "--select", "clean_order+");

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
        Assert.Equal("There is no asset 'clean_order'; did you mean 'clean_orders'?", outcome.Error.Trim());
        Assert.Empty(outcome.Out);
    }

    [Theory]
    [InlineData("lineage", "--format", "svg")]
    [InlineData("frobnicate")]
    [InlineData("list", "--jsn")]
    public async Task BadUsage_ExitsTwoOnStderr(params string[] args)
    {
        var outcome = await RunShopAsync(args);

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
        Assert.Contains("--help", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokenProject_FailsAtStartListingEveryErrorWithoutStackTrace()
    {
        var outcome = await RunAsync(b => b.Services.AddAssets(a => a.FromTypes(typeof(BrokenAssets))), "list");

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
        Assert.Contains("2 asset definition errors:", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("cycle: left -> right -> left", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("Europe/Berln", outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokenProject_Verbose_AddsTheStackTrace()
    {
        var outcome = await RunAsync(b => b.Services.AddAssets(a => a.FromTypes(typeof(BrokenAssets))), "list", "--verbose");

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
        Assert.Contains("   at ", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidRoot_FromTheCommandLine_NamesTheKey()
    {
        var outcome = await RunShopAsync("list", "--root", "s3://Not_A_Bucket/x");

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
        Assert.Contains("Invalid configuration:", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("Assets:Root: 'Not_A_Bucket' in the root 's3://Not_A_Bucket/x' is not a valid S3 bucket name", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidS3Endpoint_FromConfiguration_NamesTheKey()
    {
        var outcome = await RunAsync(
            b =>
            {
                b.Configuration.AddInMemoryCollection([new("Assets:S3:Endpoint", "localhost:9000")]);
                b.Services.AddAssets(a => a.FromTypes(typeof(ShopAssets)));
            },
            "list");

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
        Assert.Contains("Assets:S3:Endpoint: 'localhost:9000' is not an http(s) URL", outcome.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Assets:Metadata", "postgresql://assets:secret@db/assets?colour=blue", "Assets:Metadata: The PostgreSQL URI's parameter 'colour'")]
    [InlineData("Assets:Metadata", "https://db/assets", "is neither a local file path nor a PostgreSQL connection string")]
    [InlineData("Assets:Leases:Duration", "soon", "Assets:Leases:Duration: 'soon' is not a positive duration")]
    [InlineData("Assets:Leases:Heartbeat", "20m", "Assets:Leases:Heartbeat: '20m' is not a positive duration shorter than the lease (10m)")]
    public async Task InvalidSharedModeSetting_FromConfiguration_NamesTheKey_WithoutThePassword(string key, string value, string expected)
    {
        var outcome = await RunAsync(
            b =>
            {
                b.Configuration.AddInMemoryCollection([new(key, value)]);
                b.Services.AddAssets(a => a.FromTypes(typeof(ShopAssets)));
            },
            "list");

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
        Assert.Contains(expected, outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", outcome.Error, StringComparison.Ordinal);
    }
}

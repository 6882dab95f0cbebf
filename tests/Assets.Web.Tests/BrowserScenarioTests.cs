using Microsoft.Playwright;

namespace Assets.Web.Tests;

/// <summary>
/// The scenarios in a real Chromium on the served example (see <see cref="ServedExample"/>), in order, since
/// later steps change what earlier ones look at. Each keeps a screenshot of its page under bin/.../screenshots.
/// </summary>
[Collection(ServedExampleGroup.Name)]
[TestCaseOrderer(StepOrderer.Name, "Assets.Web.Tests")]
public sealed class BrowserScenarioTests(ServedExample example)
{
    private static readonly string[] ExampleAssets = ["all_time_summary", "clean_orders", "raw_orders", "region_revenue", "rolling_revenue"];

    [Fact, Step(1)]
    public async Task Catalog_ListsTheFiveAssets_AndTheStaleFilterKeepsTheFourThatReadJanuary5()
    {
        var page = await example.NewPageAsync();
        await page.GotoAsync("/");
        var assets = await page.Locator("table.catalog tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.asset)");
        Assert.Equal(ExampleAssets, assets.Order(StringComparer.Ordinal));
        Assert.Equal(["published 31"], await page.Locator("tr[data-asset=raw_orders] .counts .badge").AllInnerTextsAsync());
        await Screenshot(page, "catalog");

        await page.SelectOptionAsync("select[name=status]", "stale");
        await page.ClickAsync("form.filters button");
        await page.WaitForURLAsync("**/?select=&status=stale");
        var stale = await page.Locator("table.catalog tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.asset)");
        Assert.Equal(["all_time_summary", "clean_orders", "region_revenue", "rolling_revenue"], stale.Order(StringComparer.Ordinal));
    }

    [Fact, Step(2)]
    public async Task AssetPage_ShowsTheHealthBarAsRangesWithTheRightCounts()
    {
        var page = await example.NewPageAsync();
        await page.GotoAsync("/ui/asset?key=rolling_revenue");
        var ranges = await page.Locator(".bar .range").EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.status + ' ' + r.dataset.count)");
        Assert.Equal(["published 4", "stale 7", "published 20"], ranges);
        Assert.Equal(["stale 7", "published 24"], await page.Locator("#health h2 .counts .badge").AllInnerTextsAsync());
        Assert.Equal(31, await page.Locator(".cells .cell").CountAsync());
        await Screenshot(page, "asset");
    }

    [Fact, Step(3)]
    public async Task ClickingJanuary5_OpensItsPartition_WithTheCauseOfTheCorrection()
    {
        var page = await example.NewPageAsync();
        await page.GotoAsync("/ui/asset?key=clean_orders");
        await page.ClickAsync(".cells .cell[data-partition='2026-01-05']");
        var drawer = page.Locator("#drawer #partition");
        await drawer.WaitForAsync();
        Assert.StartsWith("upstream raw_orders[2026-01-05] was republished with another data version", await drawer.Locator(".cause").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("changed", await drawer.Locator("tr.changed").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await drawer.Locator("table.history tbody tr").CountAsync());
        Assert.Equal(2, await drawer.Locator("text=no_negative_amounts").CountAsync() + await drawer.Locator("text=unique_order_ids").CountAsync());
        await Screenshot(page, "partition");
    }

    [Fact, Step(4)]
    public async Task Lineage_DrawsFiveNodesAndTheirEdges_TheStaleOnesMarked()
    {
        var page = await example.NewPageAsync();
        await page.GotoAsync("/ui/lineage");
        await page.Locator("#lineage-svg a.node").Nth(4).WaitForAsync();
        var nodes = await page.Locator("#lineage-svg a.node").EvaluateAllAsync<string[]>("ns => ns.map(n => n.dataset.asset)");
        Assert.Equal(ExampleAssets, nodes.Order(StringComparer.Ordinal));
        var edges = await page.Locator("#lineage-svg path.edge").EvaluateAllAsync<string[]>("es => es.map(e => e.dataset.from + '>' + e.dataset.to + (e.classList.contains('stale') ? ' stale' : ''))");
        Assert.Equal(
            ["clean_orders>all_time_summary stale", "clean_orders>region_revenue stale", "clean_orders>rolling_revenue stale", "raw_orders>clean_orders stale"],
            edges.Order(StringComparer.Ordinal));
        Assert.Equal("stale", await page.Locator("#lineage-svg a.node[data-asset=clean_orders]").GetAttributeAsync("data-status"));
        await Screenshot(page, "lineage");

        await page.ClickAsync("#lineage-svg a.node[data-asset=region_revenue]");
        await page.WaitForURLAsync("**/ui/asset?key=region_revenue");
    }

    [Fact, Step(5)]
    public async Task BackfillDryRun_PreviewsItsSteps_AndRecordsNothing()
    {
        var page = await example.NewPageAsync();
        await page.GotoAsync("/ui/backfills");
        await page.FillAsync("#launch input[name=select]", "*");
        await page.ClickAsync("#launch button");
        var preview = page.Locator("#dry-run");
        await preview.WaitForAsync();
        Assert.Equal("12", await preview.GetAttributeAsync("data-steps"));
        var steps = await preview.Locator("table.plan tbody tr td:first-child").AllInnerTextsAsync();
        Assert.Contains("clean_orders[2026-01-05]", steps);
        Assert.Contains("rolling_revenue[2026-01-11]", steps);
        Assert.Contains("all_time_summary", steps);
        Assert.Contains("None yet.", await page.Locator("#backfills").InnerTextAsync(), StringComparison.Ordinal);
        await Screenshot(page, "backfill-preview");
    }

    [Fact, Step(6)]
    public async Task MaterializingOnePartitionFromActions_TurnsItsCellPublished_LiveOnAnOpenAssetPage()
    {
        var asset = await example.NewPageAsync();
        await asset.GotoAsync("/ui/asset?key=clean_orders");
        var cell = asset.Locator(".cells .cell[data-partition='2026-01-05']");
        Assert.Equal("stale", await cell.GetAttributeAsync("data-status"));
        await asset.WaitForFunctionAsync("() => document.getElementById('live').classList.contains('on')");
        await asset.EvaluateAsync("() => window.notReloaded = true");

        var actions = await example.NewPageAsync();
        await actions.GotoAsync("/ui/actions?select=clean_orders&partition=2026-01-05");
        await actions.ClickAsync("#materialize button");
        await actions.Locator("#plan-preview[data-steps='1']").WaitForAsync();
        await Screenshot(actions, "actions-plan");
        await actions.ClickAsync("#plan-preview button.primary");
        await actions.Locator("#run-started").WaitForAsync();

        await asset.Locator(".cells .cell[data-partition='2026-01-05'][data-status='published']").WaitForAsync(new LocatorWaitForOptions { Timeout = 20_000 });
        Assert.True(await asset.EvaluateAsync<bool>("() => window.notReloaded === true"), "the asset page reloaded instead of updating in place");

        var run = await actions.Locator("#run-started").GetAttributeAsync("data-run");
        await actions.GotoAsync($"/ui/run?id={run}");
        await actions.Locator("tr[data-step='clean_orders[2026-01-05]'][data-outcome='published']").WaitForAsync();
        await Screenshot(actions, "run");
    }

    [Fact, Step(7)]
    public async Task ARunningBackfill_IsCancelledFromItsPage()
    {
        var page = await example.NewPageAsync();
        await page.GotoAsync("/ui/backfills");
        await page.FillAsync("#launch input[name=select]", "*");
        await page.SelectOptionAsync("#launch select[name=reprocess]", "all");
        await page.FillAsync("#launch input[name=maxConcurrency]", "1");
        await page.ClickAsync("#launch button");
        await page.Locator("#dry-run").WaitForAsync();
        await page.ClickAsync("#dry-run button.primary");
        await page.WaitForURLAsync("**/ui/backfill?id=*");
        await page.Locator("#backfill[data-status='running']").WaitForAsync();
        await Screenshot(page, "backfill-running");

        await page.ClickAsync("#backfill button.danger");
        await page.Locator("#backfill[data-status='cancelled']").WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        Assert.True(await page.Locator("#backfill .cell[data-state='published']").CountAsync() < 97, "the backfill finished before it could be cancelled");
        // The status is recorded cancelled while its step in flight still ends; Resume is offered once nothing runs, and
        // the page shows it without a reload.
        var resume = page.Locator("#backfill button.primary", new PageLocatorOptions { HasText = "Resume" });
        await resume.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        Assert.Equal(1, await resume.CountAsync());
        await Screenshot(page, "backfill-cancelled");
    }

    [Fact, Step(8)]
    public async Task RunsAndFreshnessPages_ShowTheRunsAndEveryPolicy()
    {
        var page = await example.NewPageAsync();
        await page.GotoAsync("/ui/runs");
        Assert.True(await page.Locator("#runs tbody tr").CountAsync() >= 3);
        await Screenshot(page, "runs");
        await page.GotoAsync("/ui/freshness");
        Assert.Equal(1, await page.Locator("#freshness tr[data-asset=raw_orders]").CountAsync());
        await Screenshot(page, "freshness");
    }

    private static async Task Screenshot(IPage page, string name)
        => await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ServedExample.Screenshots, name + ".png"), FullPage = true });
}

using System.Text.Json;

namespace Assets.EndToEnd.Tests;

/// <summary><c>freshness --as-of</c> on the example: raw_orders must publish each Berlin day within 3 hours of its end.</summary>
public sealed class FreshnessCommandTests() : TempRoot("freshness")
{

    [Fact]
    public async Task AsOf_IsOverdueExactlyWhenTheLastDayIsPastItsDeadlineInBerlin()
    {
        var environment = Environment;
        var materialize = await ExampleProgram.RunAsync(environment, "materialize", "--select", "raw_orders", "--from", "2026-01-01", "--to", "2026-01-30");
        Assert.True(materialize.ExitCode == 0, materialize.Error + materialize.Out);

        // 2026-01-31 ends at 2026-02-01 00:00 Berlin (23:00Z); due 3h later: 02:00Z.
        var before = await ExampleProgram.RunAsync(environment, "freshness", "--json", "--as-of", "2026-02-01T01:59:59Z");
        var after = await ExampleProgram.RunAsync(environment, "freshness", "--json", "--as-of", "2026-02-01T03:00:00+01:00");

        Assert.Equal(0, before.ExitCode);
        Assert.Equal(("fresh", 10799L), RawOrders(before.Out));
        Assert.Equal(1, after.ExitCode);
        Assert.Equal(("overdue", 10800L), RawOrders(after.Out));
        using var json = JsonDocument.Parse(after.Out);
        var raw = json.RootElement.GetProperty("assets").EnumerateArray().Single(a => a.GetProperty("asset").GetString() == "raw_orders");
        Assert.Equal(["2026-01-31"], raw.GetProperty("overdue").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal("max lag 3h", raw.GetProperty("policy").GetString());

        var table = await ExampleProgram.RunAsync(environment, "freshness", "--as-of", "2026-02-01T02:00:00Z");
        Assert.Contains("overdue", table.Out, StringComparison.Ordinal);
        var status = await ExampleProgram.RunAsync(environment, "status", "--select", "raw_orders");
        Assert.Contains("freshness raw_orders: overdue (max lag 3h): 1 partition past end + 3h and unpublished: 2026-01-31", status.Out, StringComparison.Ordinal);
        var bad = await ExampleProgram.RunAsync(environment, "freshness", "--as-of", "yesterday");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("2026-02-01T02:00:00Z", bad.Error, StringComparison.Ordinal);
    }

    private static (string? State, long? LagSeconds) RawOrders(string output)
    {
        using var json = JsonDocument.Parse(output);
        var raw = json.RootElement.GetProperty("assets").EnumerateArray().Single(a => a.GetProperty("asset").GetString() == "raw_orders");
        return (raw.GetProperty("state").GetString(), raw.GetProperty("lagSeconds").GetInt64());
    }
}

using Assets.Graph;
using Assets.Selection;

namespace Assets.Core.Tests.Selection;

public sealed record Item(int Id);

// source -> staged -> modeled -> report, staged -> audit, and a separate group.
[AssetGroup("pipeline")]
public static class SelectionProject
{
    [Asset(Tags = ["tier=bronze"])]
    public static IEnumerable<Item> Source() => [];

    [Asset(Tags = ["tier=silver"])]
    public static IEnumerable<Item> Staged(IEnumerable<Item> source) => source;

    [Asset(Tags = ["tier=gold", "pii"])]
    public static IEnumerable<Item> Modeled(IEnumerable<Item> staged) => staged;

    [Asset(Tags = ["tier=gold"])]
    public static IEnumerable<Item> Report(IEnumerable<Item> modeled) => modeled;

    [Asset]
    public static IEnumerable<Item> Audit(IEnumerable<Item> staged) => staged;
}

[AssetGroup("ops")]
public static class OpsProject
{
    [Asset]
    public static IEnumerable<Item> Heartbeat() => [];
}

public sealed class AssetSelectionTests
{
    private static readonly AssetGraph Graph = new AssetGraphBuilder().AddTypes(typeof(SelectionProject), typeof(OpsProject)).Build();

    private static string[] Select(string text) => AssetSelection.Parse(text).Resolve(Graph).Select(a => a.Key.Value).Order(StringComparer.Ordinal).ToArray();

    [Theory]
    [InlineData("modeled", "modeled")]
    [InlineData("*modeled", "modeled source staged")]
    [InlineData("+modeled", "modeled staged")]
    [InlineData("++modeled", "modeled source staged")]
    [InlineData("staged*", "audit modeled report staged")]
    [InlineData("staged+", "audit modeled staged")]
    [InlineData("staged++", "audit modeled report staged")]
    [InlineData("+modeled+", "modeled report staged")]
    [InlineData("*report*", "modeled report source staged")]
    [InlineData("group:ops", "heartbeat")]
    [InlineData("tag:tier=gold", "modeled report")]
    [InlineData("tag:pii", "modeled")]
    [InlineData("*", "audit heartbeat modeled report source staged")]
    [InlineData("source, heartbeat", "heartbeat source")]
    [InlineData("audit,+modeled", "audit modeled staged")]
    public void Resolve_DagsterSyntax_SelectsTheseAssets(string selection, string expected)
        => Assert.Equal(expected.Split(' '), Select(selection));

    [Fact]
    public void Resolve_ReturnsTopologicalOrder()
        => Assert.Equal(["source", "staged", "modeled", "report"], AssetSelection.Parse("*report").Resolve(Graph).Select(a => a.Key.Value));

    [Fact]
    public void Resolve_UnknownKey_SuggestsTheClosest()
    {
        var error = Assert.Throws<AssetSelectionException>(() => Select("+modelled"));
        Assert.Equal("There is no asset 'modelled'; did you mean 'modeled'?", error.Message);
    }

    [Fact]
    public void Resolve_UnknownKeyFarFromAny_PointsToList()
    {
        var error = Assert.Throws<AssetSelectionException>(() => Select("completely_different"));
        Assert.Equal("There is no asset 'completely_different'; run 'list' to see the asset keys.", error.Message);
    }

    [Fact]
    public void Resolve_UnknownGroup_ListsTheGroups()
    {
        var error = Assert.Throws<AssetSelectionException>(() => Select("group:opz"));
        Assert.Equal("There is no group 'opz' (did you mean 'ops'?); the groups are: ops, pipeline.", error.Message);
    }

    [Fact]
    public void Resolve_UnknownTag_ListsTheTagsInUse()
    {
        var error = Assert.Throws<AssetSelectionException>(() => Select("tag:tier=platinum"));
        Assert.StartsWith("No asset has the tag 'tier=platinum'", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("the tags in use are: pii, tier=bronze, tier=gold, tier=silver.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("source,,staged")]
    [InlineData("group:")]
    [InlineData("tag:")]
    [InlineData("+")]
    [InlineData("**source")]
    [InlineData("../etc")]
    public void Parse_Malformed_IsRejectedWithTheSyntax(string text)
        => Assert.Throws<AssetSelectionException>(() => AssetSelection.Parse(text));
}

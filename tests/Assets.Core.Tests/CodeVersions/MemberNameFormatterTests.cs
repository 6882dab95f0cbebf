using Assets.CodeVersions;

namespace Assets.Core.Tests.CodeVersions;

public class MemberNameFormatterTests
{
    [Theory]
    [InlineData("Orders", "Orders")]
    [InlineData("<Orders>b__3_0", "<>b__")]
    [InlineData("<Orders>b__12_3", "<>b__")]
    [InlineData("<Orders>g__Scale2|3_0", "<>g__Scale2|")]
    [InlineData("<Orders>d__7", "<>d__")]
    [InlineData("<<Orders>g__Local|3_0>d", "<>d")]
    [InlineData("<<Orders>b__3_1>d", "<>d")]
    [InlineData("<>c__DisplayClass3_0", "<>c__DisplayClass")]
    [InlineData("<>c__DisplayClass3_0`1", "<>c__DisplayClass`1")]
    [InlineData("<>9__3_0", "<>9__")]
    [InlineData("<>9", "<>9")]
    [InlineData("<>c", "<>c")]
    [InlineData("<>f__AnonymousType12`2", "<>f__AnonymousType`2")]
    [InlineData("<Count>i__Field", "<Count>i__Field")]
    [InlineData("<Name>k__BackingField", "<Name>k__BackingField")]
    [InlineData("<total>5__2", "<total>5__2")]
    [InlineData("<>7__wrap1", "<>7__wrap1")]
    [InlineData("<>u__1", "<>u__1")]
    [InlineData("CS$<>8__locals1", "CS$<>8__locals1")]
    [InlineData("<>m__Finally1", "<>m__Finally1")]
    [InlineData("System.Collections.Generic.IEnumerator<System.Int32>.get_Current", "System.Collections.Generic.IEnumerator<System.Int32>.get_Current")]
    public void Compiler_generated_names_lose_the_ordinals_that_unrelated_code_moves(string name, string expected)
        => Assert.Equal(expected, MemberNameFormatter.NormalizeGeneratedName(name));

    [Fact]
    public void Types_are_written_without_assembly_names_and_with_the_owner_as_a_placeholder()
    {
        var names = new MemberNameFormatter(typeof(HasherSamples));

        Assert.Equal("System.Collections.Generic.Dictionary`2<System.String,System.Int32[]>", names.Type(typeof(Dictionary<string, int[]>)));
        Assert.Equal("System.Int32[,]", names.Type(typeof(int[,])));
        Assert.Equal("System.Int32&", names.Type(typeof(int).MakeByRefType()));
        Assert.Equal("<owner>", names.Type(typeof(HasherSamples)));
        Assert.Equal("Assets.Core.Tests.CodeVersions.FirstHolder", names.Type(typeof(FirstHolder)));
        Assert.Equal("System.Collections.Generic.List`1", names.Type(typeof(List<>)));
        Assert.Equal("System.Collections.Generic.IEnumerable`1<!0>", names.Type(typeof(IEnumerable<>).MakeGenericType(typeof(List<>).GetGenericArguments())));
        Assert.Equal("!!0", names.Type(typeof(Enumerable).GetMethod(nameof(Enumerable.Empty))!.GetGenericArguments()[0]));
    }
}

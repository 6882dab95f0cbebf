using Assets.CodeVersions;
using Microsoft.CodeAnalysis;

namespace Assets.Core.Tests.CodeVersions;

// Compiles several builds of one small assembly with Roslyn and compares the code versions of its
// asset methods across them. This is the test that matters for the product: metadata tokens are
// assembly-wide row numbers, and only builds of a real assembly in which unrelated code moved them
// can show that the versions do not follow the tokens.
public class TokenStabilityTests
{
    private const string TypeName = "Sample.Pipeline";

    private const string Baseline = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;

        namespace Sample;

        /*TYPES*/

        public struct Point { public int X; public int Y; }

        public static class Pipeline
        {
            /*MEMBERS*/

            public static int Bias = 3;

            public static unsafe int Orders(int[] xs)
            {
                var offset = Bias;
                var kept = xs.Where(x => x > 0).Select(x => x + offset).ToList();
                int Scale(int v) => v * 2 + offset;
                delegate*<Point, int> sum = &Sum;
                var summary = new { Count = kept.Count, Label = "orders" };
                var weights = new[] { 1, 2, 3, 4, 5, 6, 7, 8 };
                return kept.Sum() + Scale(1) + sum(new Point { X = 1, Y = 2 }) + summary.Count + summary.Label.Length + weights.Sum();
            }

            public static async Task<int> OrdersAsync(int[] xs)
            {
                await Task.Yield();
                async Task<int> Twice(int v)
                {
                    await Task.Delay(v);
                    return v * 7;
                }

                Func<int, Task<int>> thrice = async v => { await Task.Yield(); return v * 11; };
                return xs.Select(x => x * 3).Sum() + await Twice(1) + await thrice(2);
            }

            public static IEnumerable<string> OrderLines(int[] xs)
            {
                foreach (var x in xs)
                {
                    yield return "line " + x;
                }
            }

            private static int Sum(Point p) => p.X + p.Y;
        }
        """;

    // Unrelated code added before everything the asset methods use: types (moving the TypeDef row of
    // Point, which the calli signature of Orders embeds), methods, fields, strings, lambdas,
    // anonymous types, async methods and iterators (moving the MemberRef, MethodDef, Field, user
    // string and anonymous type numbering, and the ordinals in compiler-generated names).
    private const string UnrelatedTypes = """
        public struct Noise { public long A; }

        public class Unrelated
        {
            public static string Name = "unrelated";
            public int Work(int[] xs) => xs.Select(x => x * 7).Where(x => x != 3).Sum() + "spam".Length + new { Z = 1 }.Z;
            public static async Task<int> WorkAsync() { await Task.Delay(1); return new { Y = "y", Z = 2 }.Z; }
        }
        """;

    private const string UnrelatedMembers = """
        public static string Prefix = "prefix";
        public static long Counter;
        public static int Noise1(int[] xs) => xs.Select(x => x - 1).Where(x => x > 9).Sum() + "noise".Length + new { Q = 2, R = "r" }.Q;
        public static Func<int, int> Noise2(int k) => x => x * k;
        public static IEnumerable<int> NoiseLines() { yield return 5; yield return Prefix.Length; }
        public static async Task NoiseAsync()
        {
            await Task.Yield();
            Counter++;
            async Task Local() { await Task.Yield(); Counter--; }
            Func<Task> lambda = async () => { await Task.Yield(); Counter += 2; };
            await Local();
            await lambda();
        }
        private static int NoiseSum(Noise n) => (int)n.A;
        public static int Orders2(int[] xs) => xs.Select(x => x + 11).Sum() + NoiseSum(default);
        """;

    private static readonly string[] AssetMethods = ["Orders", "OrdersAsync", "OrderLines"];

    public static TheoryData<OptimizationLevel> Optimizations => [OptimizationLevel.Release, OptimizationLevel.Debug];

    // Each edit changes the body of exactly one asset method.
    public static TheoryData<string, string, string, OptimizationLevel> BodyEdits
    {
        get
        {
            var data = new TheoryData<string, string, string, OptimizationLevel>();
            foreach (var optimization in new[] { OptimizationLevel.Release, OptimizationLevel.Debug })
            {
                data.Add("Orders", "x => x + offset", "x => x - offset", optimization); // inside a capturing lambda
                data.Add("Orders", "x => x > 0", "x => x >= 0", optimization); // inside a static lambda
                data.Add("Orders", "v * 2 + offset", "v * 3 + offset", optimization); // inside a local function
                data.Add("Orders", "Label = \"orders\"", "Label = \"order\"", optimization); // a string
                data.Add("Orders", "{ 1, 2, 3, 4, 5, 6, 7, 8 }", "{ 1, 2, 3, 4, 5, 6, 7, 9 }", optimization); // array data
                data.Add("Orders", "var offset = Bias;", "var offset = Bias + 1;", optimization); // the outer body
                data.Add("OrdersAsync", "x => x * 3", "x => x * 4", optimization); // a lambda after an await
                data.Add("OrdersAsync", "await Task.Yield();", "await Task.Delay(1);", optimization); // the awaited call
                data.Add("OrdersAsync", "return v * 7;", "return v * 8;", optimization); // inside an async local function
                data.Add("OrdersAsync", "return v * 11;", "return v * 12;", optimization); // inside an async lambda
                data.Add("OrderLines", "\"line \"", "\"row \"", optimization); // inside an iterator
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Optimizations))]
    public void Unrelated_code_added_before_the_asset_methods_keeps_their_versions_although_their_tokens_moved(OptimizationLevel optimization)
    {
        using var a = InMemoryAssembly.Compile(Baseline, optimization);
        using var b = InMemoryAssembly.Compile(
            Baseline.Replace("/*TYPES*/", UnrelatedTypes, StringComparison.Ordinal).Replace("/*MEMBERS*/", UnrelatedMembers, StringComparison.Ordinal),
            optimization);

        foreach (var name in AssetMethods)
        {
            var before = a.Method(TypeName, name);
            var after = b.Method(TypeName, name);

            // The test means something only if the raw IL (its tokens) differs between the builds.
            Assert.NotEqual(before.GetMethodBody()!.GetILAsByteArray(), after.GetMethodBody()!.GetILAsByteArray());
            Assert.Equal(MethodBodyHasher.DescribeCodeVersionInput(before), MethodBodyHasher.DescribeCodeVersionInput(after));
            Assert.Equal(MethodBodyHasher.ComputeCodeVersion(before), MethodBodyHasher.ComputeCodeVersion(after));
        }
    }

    [Theory]
    [MemberData(nameof(BodyEdits))]
    public void Editing_the_body_of_an_asset_method_changes_its_version_and_only_its_version(
        string editedMethod, string from, string to, OptimizationLevel optimization)
    {
        Assert.Contains(from, Baseline, StringComparison.Ordinal);
        using var a = InMemoryAssembly.Compile(Baseline, optimization);
        using var c = InMemoryAssembly.Compile(Baseline.Replace(from, to, StringComparison.Ordinal), optimization);

        foreach (var name in AssetMethods)
        {
            var before = MethodBodyHasher.ComputeCodeVersion(a.Method(TypeName, name));
            var after = MethodBodyHasher.ComputeCodeVersion(c.Method(TypeName, name));
            if (name == editedMethod)
            {
                Assert.NotEqual(before, after);
            }
            else
            {
                Assert.Equal(before, after);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Optimizations))]
    public void Editing_the_body_along_with_unrelated_code_still_changes_the_version(OptimizationLevel optimization)
    {
        using var a = InMemoryAssembly.Compile(Baseline, optimization);
        using var c = InMemoryAssembly.Compile(
            Baseline.Replace("/*TYPES*/", UnrelatedTypes, StringComparison.Ordinal)
                .Replace("/*MEMBERS*/", UnrelatedMembers, StringComparison.Ordinal)
                .Replace("x => x + offset", "x => x + offset + 1", StringComparison.Ordinal),
            optimization);

        Assert.NotEqual(
            MethodBodyHasher.ComputeCodeVersion(a.Method(TypeName, "Orders")),
            MethodBodyHasher.ComputeCodeVersion(c.Method(TypeName, "Orders")));
    }

    [Theory]
    [MemberData(nameof(Optimizations))]
    public void Renaming_the_class_and_the_asset_methods_keeps_their_versions(OptimizationLevel optimization)
    {
        using var a = InMemoryAssembly.Compile(Baseline, optimization);
        using var d = InMemoryAssembly.Compile(
            Baseline.Replace("class Pipeline", "class Flow", StringComparison.Ordinal)
                .Replace(" Orders(", " Compute(", StringComparison.Ordinal)
                .Replace(" OrdersAsync(", " ComputeAsync(", StringComparison.Ordinal)
                .Replace(" OrderLines(", " Lines(", StringComparison.Ordinal),
            optimization);

        Assert.Equal(MethodBodyHasher.ComputeCodeVersion(a.Method(TypeName, "Orders")), MethodBodyHasher.ComputeCodeVersion(d.Method("Sample.Flow", "Compute")));
        Assert.Equal(MethodBodyHasher.ComputeCodeVersion(a.Method(TypeName, "OrdersAsync")), MethodBodyHasher.ComputeCodeVersion(d.Method("Sample.Flow", "ComputeAsync")));
        Assert.Equal(MethodBodyHasher.ComputeCodeVersion(a.Method(TypeName, "OrderLines")), MethodBodyHasher.ComputeCodeVersion(d.Method("Sample.Flow", "Lines")));
    }

    [Fact]
    public void The_same_build_loaded_into_two_load_contexts_gives_the_same_versions()
    {
        using var first = InMemoryAssembly.Compile(Baseline, OptimizationLevel.Release);
        using var second = InMemoryAssembly.Compile(Baseline, OptimizationLevel.Release);

        Assert.Equal(first.Image, second.Image);
        Assert.NotSame(first.Assembly, second.Assembly);
        foreach (var name in AssetMethods)
        {
            Assert.Equal(
                MethodBodyHasher.ComputeCodeVersion(first.Method(TypeName, name)),
                MethodBodyHasher.ComputeCodeVersion(second.Method(TypeName, name)));
        }
    }

    [Fact]
    public void The_calli_signature_is_written_with_type_names_instead_of_tokens()
    {
        using var a = InMemoryAssembly.Compile(Baseline, OptimizationLevel.Release);

        var text = MethodBodyHasher.DescribeCodeVersionInput(a.Method(TypeName, "Orders"));

        Assert.Contains("calli sig ", text, StringComparison.Ordinal);
        Assert.Contains("[Sample.Point]", text, StringComparison.Ordinal);
        Assert.DoesNotContain("calli sig raw", text, StringComparison.Ordinal);
    }
}

using System.Reflection;
using Assets.CodeVersions;

namespace Assets.Core.Tests.CodeVersions;

public class MethodBodyHasherTests
{
    private static string Version(string name) => MethodBodyHasher.ComputeCodeVersion(Sample(name));

    private static MethodInfo Sample(string name)
        => typeof(HasherSamples).GetMethod(name, BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"No sample method {name}.");

    private static void AssertSame(string first, string second)
        => Assert.True(Version(first) == Version(second),
            $"{first} and {second} should have the same version.\n--- {first}\n"
            + MethodBodyHasher.DescribeCodeVersionInput(Sample(first))
            + $"\n--- {second}\n" + MethodBodyHasher.DescribeCodeVersionInput(Sample(second)));

    private static void AssertDifferent(string first, string second)
        => Assert.NotEqual(Version(first), Version(second));

    [Fact]
    public void A_version_is_sixteen_lower_case_hex_characters()
    {
        var version = Version(nameof(HasherSamples.AddOne));

        Assert.Equal(16, version.Length);
        Assert.All(version, c => Assert.True(char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c), $"'{c}' is not lower-case hex."));
    }

    [Fact]
    public void The_same_method_hashed_twice_gives_the_same_version()
    {
        var method = Sample(nameof(HasherSamples.SelectPlusOne));

        Assert.Equal(MethodBodyHasher.ComputeCodeVersion(method), MethodBodyHasher.ComputeCodeVersion(method));
        Assert.Equal(MethodBodyHasher.DescribeCodeVersionInput(method), MethodBodyHasher.DescribeCodeVersionInput(method));
    }

    [Fact]
    public void Two_methods_with_identical_bodies_and_different_names_have_the_same_version()
        => AssertSame(nameof(HasherSamples.AddOne), nameof(HasherSamples.AddOneAgain));

    [Fact]
    public void Changing_a_literal_changes_the_version()
        => AssertDifferent(nameof(HasherSamples.AddOne), nameof(HasherSamples.AddTwo));

    [Fact]
    public void Changing_a_floating_point_literal_changes_the_version()
        => AssertDifferent(nameof(HasherSamples.EveryOperand), nameof(HasherSamples.EveryOperandOtherDouble));

    [Fact]
    public void Changing_the_called_method_changes_the_version()
        => AssertDifferent(nameof(HasherSamples.Absolute), nameof(HasherSamples.Sign));

    [Fact]
    public void Changing_a_string_changes_the_version()
        => AssertDifferent(nameof(HasherSamples.Hello), nameof(HasherSamples.Hullo));

    [Fact]
    public void Reading_a_different_field_changes_the_version()
        => AssertDifferent(nameof(HasherSamples.ReadsFirst), nameof(HasherSamples.ReadsSecond));

    [Fact]
    public void Writing_a_different_field_changes_the_version()
        => AssertDifferent(nameof(HasherSamples.WritesFirst), nameof(HasherSamples.WritesSecond));

    [Fact]
    public void Catching_a_different_exception_type_changes_the_version()
        => AssertDifferent(nameof(HasherSamples.ParseOrMinusOneOnFormat), nameof(HasherSamples.ParseOrMinusOneOnOverflow));

    [Fact]
    public void Identical_lambdas_in_differently_named_methods_give_the_same_version()
        => AssertSame(nameof(HasherSamples.SelectPlusOne), nameof(HasherSamples.SelectPlusOneAgain));

    [Fact]
    public void Lambdas_that_differ_while_the_outer_body_is_the_same_give_different_versions()
        => AssertDifferent(nameof(HasherSamples.SelectPlusOne), nameof(HasherSamples.SelectPlusTwo));

    [Fact]
    public void Capturing_lambdas_that_differ_give_different_versions()
        => AssertDifferent(nameof(HasherSamples.SelectPlusOffset), nameof(HasherSamples.SelectMinusOffset));

    [Fact]
    public void Static_local_functions_that_differ_give_different_versions()
        => AssertDifferent(nameof(HasherSamples.LocalPlusOne), nameof(HasherSamples.LocalPlusTwo));

    [Fact]
    public void Capturing_local_functions_that_differ_give_different_versions()
        => AssertDifferent(nameof(HasherSamples.CapturingLocalPlusOne), nameof(HasherSamples.CapturingLocalPlusTwo));

    [Fact]
    public void Async_methods_that_differ_only_after_an_await_give_different_versions()
        => AssertDifferent(nameof(HasherSamples.AwaitThenOne), nameof(HasherSamples.AwaitThenTwo));

    [Fact]
    public void Identical_async_methods_with_different_names_have_the_same_version()
        => AssertSame(nameof(HasherSamples.AwaitThenOne), nameof(HasherSamples.AwaitThenOneAgain));

    [Fact]
    public void Iterators_that_differ_inside_give_different_versions()
        => AssertDifferent(nameof(HasherSamples.YieldOneTwo), nameof(HasherSamples.YieldOneThree));

    [Fact]
    public void Async_iterators_that_differ_inside_give_different_versions()
        => AssertDifferent(nameof(HasherSamples.AsyncYieldOne), nameof(HasherSamples.AsyncYieldTwo));

    [Fact]
    public void The_state_machine_body_is_part_of_the_input_of_an_async_method()
    {
        var text = MethodBodyHasher.DescribeCodeVersionInput(Sample(nameof(HasherSamples.AwaitThenOne)));

        Assert.Contains("state machine AsyncStateMachineAttribute", text, StringComparison.Ordinal);
        Assert.Contains("System.Runtime.CompilerServices.YieldAwaitable", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_recursive_call_is_written_as_self_so_renaming_a_recursive_method_keeps_its_version()
        => AssertSame(nameof(HasherSamples.Factorial), nameof(HasherSamples.FactorialAgain));

    [Fact]
    public void The_same_body_with_lambdas_in_another_class_has_the_same_version()
    {
        var first = typeof(FirstHolder).GetMethod(nameof(FirstHolder.Total))!;
        var second = typeof(SecondHolder).GetMethod(nameof(SecondHolder.Sum))!;

        Assert.Equal(MethodBodyHasher.DescribeCodeVersionInput(first), MethodBodyHasher.DescribeCodeVersionInput(second));
        Assert.Equal(MethodBodyHasher.ComputeCodeVersion(first), MethodBodyHasher.ComputeCodeVersion(second));
    }

    [Fact]
    public void Compiler_generated_names_are_written_without_ordinals_or_the_method_name()
    {
        var text = MethodBodyHasher.DescribeCodeVersionInput(Sample(nameof(HasherSamples.SelectPlusOne)));

        Assert.DoesNotContain(nameof(HasherSamples.SelectPlusOne), text, StringComparison.Ordinal);
        Assert.Contains("<owner>+<>c::<>b__(System.Int32):System.Int32", text, StringComparison.Ordinal);
        Assert.DoesNotContain("HasherSamples", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Local_variable_types_are_part_of_the_input()
    {
        var text = MethodBodyHasher.DescribeCodeVersionInput(Sample(nameof(HasherSamples.WidenedLocal)));

        Assert.Contains("local 0 System.Int64", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("FormatException", nameof(HasherSamples.ParseOrMinusOneOnFormat))]
    [InlineData("OverflowException", nameof(HasherSamples.ParseOrMinusOneOnOverflow))]
    public void Exception_clauses_with_their_catch_type_are_part_of_the_input(string exception, string method)
    {
        var text = MethodBodyHasher.DescribeCodeVersionInput(Sample(method));

        Assert.Contains("eh Clause try=", text, StringComparison.Ordinal);
        Assert.Contains("catch System." + exception, text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_method_with_every_operand_kind_is_decoded_with_names_and_no_tokens()
    {
        var text = MethodBodyHasher.DescribeCodeVersionInput(Sample(nameof(HasherSamples.EveryOperand)));

        Assert.Contains("switch", text, StringComparison.Ordinal);
        Assert.Contains("ldc.i8 1099511627776", text, StringComparison.Ordinal);
        Assert.Contains("ldc.r8 0x3FF8000000000000", text, StringComparison.Ordinal);
        Assert.Contains("ldc.r4 0x3E800000", text, StringComparison.Ordinal);
        Assert.Contains("ldtoken type System.Collections.Generic.Dictionary`2<System.String,System.Int32>", text, StringComparison.Ordinal);
        Assert.Contains("ldstr \"thu\"", text, StringComparison.Ordinal);
        Assert.Contains("ldsfld <owner>::s_first:System.Int32", text, StringComparison.Ordinal);
        Assert.Contains("eh Filter", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Generic_method_definitions_and_instantiations_can_be_hashed()
    {
        var identity = Sample(nameof(HasherSamples.Identity));
        var singletons = Sample(nameof(HasherSamples.Singletons));

        var versions = new[]
        {
            MethodBodyHasher.ComputeCodeVersion(identity),
            MethodBodyHasher.ComputeCodeVersion(identity.MakeGenericMethod(typeof(int))),
            MethodBodyHasher.ComputeCodeVersion(singletons),
            MethodBodyHasher.ComputeCodeVersion(singletons.MakeGenericMethod(typeof(string))),
        };

        Assert.All(versions, v => Assert.Equal(16, v.Length));
        Assert.NotEqual(versions[0], versions[2]);
        Assert.Contains("helper #1", MethodBodyHasher.DescribeCodeVersionInput(singletons), StringComparison.Ordinal);
    }

    [Fact]
    public void An_abstract_method_is_rejected_with_an_argument_exception()
    {
        var error = Assert.Throws<ArgumentException>(
            () => MethodBodyHasher.ComputeCodeVersion(typeof(AbstractSample).GetMethod(nameof(AbstractSample.Compute))!));

        Assert.Contains("has no IL body", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(AbstractSample.Compute), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_interface_method_is_rejected_with_an_argument_exception()
        => Assert.Throws<ArgumentException>(
            () => MethodBodyHasher.ComputeCodeVersion(typeof(IDisposable).GetMethod(nameof(IDisposable.Dispose))!));

    [Fact]
    public void A_runtime_implemented_method_is_rejected_with_an_argument_exception()
        => Assert.Throws<ArgumentException>(
            () => MethodBodyHasher.ComputeCodeVersion(typeof(Func<int>).GetMethod(nameof(Func<int>.Invoke))!));

    [Fact]
    public void Concurrent_callers_get_the_same_versions_as_a_single_caller()
    {
        var methods = typeof(HasherSamples).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => !m.IsGenericMethodDefinition)
            .ToArray();
        var sequential = methods.Select(m => MethodBodyHasher.DescribeCodeVersionInput(m)).ToArray();

        var concurrent = new string[methods.Length * 8];
        Parallel.For(0, concurrent.Length, i => concurrent[i] = MethodBodyHasher.DescribeCodeVersionInput(methods[i % methods.Length]));
        var cached = new string[methods.Length * 8];
        Parallel.For(0, cached.Length, i => cached[i] = MethodBodyHasher.ComputeCodeVersion(methods[i % methods.Length]));

        for (var i = 0; i < concurrent.Length; i++)
        {
            Assert.Equal(sequential[i % methods.Length], concurrent[i]);
            Assert.Equal(MethodBodyHasher.ComputeCodeVersion(methods[i % methods.Length]), cached[i]);
        }
    }

    [Theory]
    [InlineData(typeof(Enumerable))]
    [InlineData(typeof(List<>))]
    [InlineData(typeof(MethodBodyHasherTests))]
    public void Every_method_with_a_body_in_a_whole_assembly_can_be_hashed(Type anchor)
    {
        var hashed = 0;
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static
            | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        foreach (var type in anchor.Assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(all))
            {
                if (method.GetMethodBody() is null)
                {
                    continue;
                }

                Assert.Equal(16, MethodBodyHasher.ComputeCodeVersion(method).Length);
                hashed++;
            }
        }

        Assert.True(hashed > 50, $"Only {hashed} methods were hashed.");
    }
}

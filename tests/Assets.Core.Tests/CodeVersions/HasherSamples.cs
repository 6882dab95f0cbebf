using System.Globalization;

namespace Assets.Core.Tests.CodeVersions;

// Pairs of methods that differ in exactly one respect, for MethodBodyHasherTests. Methods with the
// "Again" suffix repeat another method's body verbatim under a different name.
internal static class HasherSamples
{
    private static int s_first = 1;
    private static int s_second = 2;

    public static int AddOne(int x) => x + 1;

    public static int AddOneAgain(int x) => x + 1;

    public static int AddTwo(int x) => x + 2;

    public static int Absolute(int x) => Math.Abs(x);

    public static int Sign(int x) => Math.Sign(x);

    public static string Hello() => "hello";

    public static string Hullo() => "hullo";

    public static int ReadsFirst() => s_first;

    public static int ReadsSecond() => s_second;

    public static void WritesFirst(int value) => s_first = value;

    public static void WritesSecond(int value) => s_second = value;

    public static IEnumerable<int> SelectPlusOne(IEnumerable<int> xs) => xs.Select(x => x + 1);

    public static IEnumerable<int> SelectPlusOneAgain(IEnumerable<int> xs) => xs.Select(x => x + 1);

    public static IEnumerable<int> SelectPlusTwo(IEnumerable<int> xs) => xs.Select(x => x + 2);

    public static IEnumerable<int> SelectPlusOffset(IEnumerable<int> xs, int offset) => xs.Select(x => x + offset);

    public static IEnumerable<int> SelectMinusOffset(IEnumerable<int> xs, int offset) => xs.Select(x => x - offset);

    public static int LocalPlusOne(int x)
    {
        return Apply(x);

        static int Apply(int v) => v + 1;
    }

    public static int LocalPlusTwo(int x)
    {
        return Apply(x);

        static int Apply(int v) => v + 2;
    }

    public static int CapturingLocalPlusOne(int x)
    {
        return Apply();

        int Apply() => x + 1;
    }

    public static int CapturingLocalPlusTwo(int x)
    {
        return Apply();

        int Apply() => x + 2;
    }

    public static async Task<int> AwaitThenOne()
    {
        await Task.Yield();
        return 1;
    }

    public static async Task<int> AwaitThenTwo()
    {
        await Task.Yield();
        return 2;
    }

    public static async Task<int> AwaitThenOneAgain()
    {
        await Task.Yield();
        return 1;
    }

    public static IEnumerable<int> YieldOneTwo()
    {
        yield return 1;
        yield return 2;
    }

    public static IEnumerable<int> YieldOneThree()
    {
        yield return 1;
        yield return 3;
    }

    public static async IAsyncEnumerable<int> AsyncYieldOne()
    {
        await Task.Yield();
        yield return 1;
    }

    public static async IAsyncEnumerable<int> AsyncYieldTwo()
    {
        await Task.Yield();
        yield return 2;
    }

    public static int ParseOrMinusOneOnFormat(string text)
    {
        try
        {
            return int.Parse(text, CultureInfo.InvariantCulture);
        }
        catch (FormatException)
        {
            return -1;
        }
    }

    public static int ParseOrMinusOneOnOverflow(string text)
    {
        try
        {
            return int.Parse(text, CultureInfo.InvariantCulture);
        }
        catch (OverflowException)
        {
            return -1;
        }
    }

    public static long WidenedLocal(int x)
    {
        long widened = x;
        return widened;
    }

    public static int Factorial(int n) => n <= 1 ? 1 : n * Factorial(n - 1);

    public static int FactorialAgain(int n) => n <= 1 ? 1 : n * FactorialAgain(n - 1);

    public static T Identity<T>(T value) => value;

    public static IEnumerable<T[]> Singletons<T>(IEnumerable<T> xs) => xs.Select(x => new[] { x });

    // Every operand kind the C# compiler emits outside unsafe code: switch, 8-byte and floating
    // literals, ldtoken, strings, fields, branches and an exception filter.
    public static string EveryOperand(int day, double scale)
    {
        var text = day switch
        {
            0 => "sun",
            1 => "mon",
            2 => "tue",
            3 => "wed",
            4 => "thu",
            _ => "other",
        };
        long big = 1L << 40;
        float ratio = 0.25f;
        try
        {
            big += (long)(scale * 1.5 * ratio) + s_first;
        }
        catch (OverflowException e) when (e.Message.Length > 3)
        {
            big = -1;
        }

        return text + typeof(Dictionary<string, int>).Name + big.ToString(CultureInfo.InvariantCulture);
    }

    public static string EveryOperandOtherDouble(int day, double scale)
    {
        var text = day switch
        {
            0 => "sun",
            1 => "mon",
            2 => "tue",
            3 => "wed",
            4 => "thu",
            _ => "other",
        };
        long big = 1L << 40;
        float ratio = 0.25f;
        try
        {
            big += (long)(scale * 2.5 * ratio) + s_first;
        }
        catch (OverflowException e) when (e.Message.Length > 3)
        {
            big = -1;
        }

        return text + typeof(Dictionary<string, int>).Name + big.ToString(CultureInfo.InvariantCulture);
    }
}

// Two classes holding the same asset method body with lambdas: the version must not depend on the
// class or method name (a rename is not a change of what the body computes).
internal static class FirstHolder
{
    public static int Total(IEnumerable<int> xs) => xs.Where(x => x > 2).Sum(x => x * 10);
}

internal static class SecondHolder
{
    public static int Sum(IEnumerable<int> xs) => xs.Where(x => x > 2).Sum(x => x * 10);
}

internal abstract class AbstractSample
{
    public abstract int Compute();
}

using System.Globalization;

namespace Assets.Benchmarks;

/// <summary>Where figures go: one "name: value unit" line each.</summary>
public sealed class Report(TextWriter writer)
{
    public static Report Console { get; } = new(System.Console.Out);

    public void Figure(string name, double value, string unit)
        => writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {value:0.###} {unit}"));

    public void Note(string text) => writer.WriteLine("# " + text);
}

/// <summary>One benchmark of the harness.</summary>
public interface IBenchmark
{
    string Name { get; }

    Task RunAsync(bool quick, Report report);
}

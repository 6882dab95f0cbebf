namespace ExampleAssets.Csv;

/// <summary>A CSV input that cannot be split into records; the message names the line and the likely cause.</summary>
public sealed class CsvFormatException : FormatException
{
    public CsvFormatException(int line, string problem)
        : base($"line {line}: {problem}")
        => Line = line;

    /// <summary>The line of the record that could not be read.</summary>
    public int Line { get; }
}

namespace ExampleAssets.Csv;

/// <summary>One record of a CSV file: its fields as written, and the line it starts on (1-based).</summary>
/// <param name="Line">The line of the file the record starts on; a record whose quoted field holds a line break spans more.</param>
/// <param name="Fields">The fields, unquoted, in file order.</param>
public sealed record CsvRecord(int Line, IReadOnlyList<string> Fields);

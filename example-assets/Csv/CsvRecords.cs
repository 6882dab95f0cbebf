using CsvHelper;

namespace ExampleAssets.Csv;

/// <summary>
/// Reads comma-separated records with CsvHelper, as RFC 4180 defines them and lenient where exports in the wild are
/// not: records end with CRLF, LF or a lone CR; a quoted field may hold commas, line breaks and doubled quotes; a quote
/// inside an unquoted field is kept as written; an empty line is no record. Fields are returned exactly as written (no
/// trimming), so a raw layer loses nothing, each with the line its record starts on. The only error is a quoted field
/// that is never closed, because then no record boundary after it can be trusted: <see cref="CsvFormatException"/>.
/// </summary>
public static class CsvRecords
{
    /// <summary>The records of <paramref name="reader"/>, the header first; the caller owns and disposes the reader.</summary>
    /// <exception cref="CsvFormatException">A quoted field is not closed before the end of the input.</exception>
    public static IEnumerable<CsvRecord> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        CsvHelper.CsvMalformedRecord? unterminated = null;
        var options = new CsvReaderOptions
        {
            // The header is a record like the others here: the caller checks it against the columns it expects.
            HasHeader = false,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            TrimWhitespace = false,
            OnMalformedRecord = record => unterminated ??= record.Reason == CsvMalformedReason.UnterminatedQuote ? record : null,
        };
        using var csv = CsvHelper.CsvReader.Create(reader, options, leaveOpen: true);
        while (csv.Read())
        {
            if (unterminated is { } cut)
            {
                throw new CsvFormatException(
                    (int)cut.LineNumber,
                    $"a quoted field is never closed: the file is cut off or a quote is not doubled (write \"\" for a quote inside a quoted field).");
            }

            yield return new CsvRecord((int)csv.LineNumber, csv.Current.ToArray());
        }
    }

    /// <summary>Every record of <paramref name="text"/>, for tests and small inputs.</summary>
    public static IReadOnlyList<CsvRecord> ReadAll(string text)
    {
        using var reader = new StringReader(text);
        return [.. Read(reader)];
    }
}

using System.Text;

namespace ExampleAssets.Csv;

/// <summary>
/// Reads comma-separated records as RFC 4180 defines them, and is lenient where exports in the wild
/// are not: records end with CRLF, LF or a lone CR; a field that starts with <c>"</c> is quoted and may
/// hold commas, line breaks and doubled quotes (<c>""</c> for one <c>"</c>); a quote inside an unquoted
/// field, or text after a closing quote, is kept as it stands rather than rejected; an empty line is
/// skipped (it is no record); the last record needs no line break. Fields are returned exactly as
/// written (no trimming), so a raw layer loses nothing. The only error is a quoted field that is never
/// closed, because then no record boundary after it can be trusted: <see cref="CsvFormatException"/>.
/// </summary>
public sealed class CsvReader
{
    private const int EndOfInput = -1;

    private readonly TextReader _reader;
    private readonly char[] _buffer = new char[16 * 1024];
    private readonly StringBuilder _field = new();
    private readonly List<string> _fields = [];
    private int _position;
    private int _length;
    private int _line = 1;

    /// <summary>Reads from <paramref name="reader"/>; the caller owns and disposes it.</summary>
    public CsvReader(TextReader reader) => _reader = reader ?? throw new ArgumentNullException(nameof(reader));

    /// <summary>Every record of <paramref name="text"/>, for tests and small inputs.</summary>
    public static IReadOnlyList<CsvRecord> ReadAll(string text)
    {
        using var reader = new StringReader(text);
        var csv = new CsvReader(reader);
        var records = new List<CsvRecord>();
        while (csv.Read() is { } record)
        {
            records.Add(record);
        }

        return records;
    }

    /// <summary>The next record, or <c>null</c> at the end of the input.</summary>
    /// <exception cref="CsvFormatException">A quoted field is not closed before the end of the input.</exception>
    public CsvRecord? Read()
    {
        _fields.Clear();
        _field.Clear();
        var recordLine = _line;
        var quoted = false; // the current field started with a quote (so an empty one is still a field)
        while (true)
        {
            var next = Next();
            switch (next)
            {
                case EndOfInput when _fields.Count == 0 && _field.Length == 0 && !quoted:
                    return null;
                case EndOfInput:
                    return EndRecord(recordLine);
                case ',':
                    EndField();
                    quoted = false;
                    break;
                case '\r' or '\n':
                    ConsumeLineBreak(next);
                    if (_fields.Count == 0 && _field.Length == 0 && !quoted)
                    {
                        recordLine = _line; // an empty line: no record, keep looking
                        break;
                    }

                    return EndRecord(recordLine);
                case '"' when _field.Length == 0 && !quoted:
                    quoted = true;
                    ReadQuoted(recordLine);
                    break;
                default:
                    _field.Append((char)next);
                    break;
            }
        }
    }

    private CsvRecord EndRecord(int line)
    {
        EndField();
        return new CsvRecord(line, _fields.ToArray());
    }

    private void EndField()
    {
        _fields.Add(_field.ToString());
        _field.Clear();
    }

    /// <summary>Reads a quoted field's content up to and including its closing quote.</summary>
    private void ReadQuoted(int recordLine)
    {
        var openedOn = _line;
        while (true)
        {
            var next = Next();
            switch (next)
            {
                case EndOfInput:
                    throw new CsvFormatException(recordLine,
                        $"a quoted field opened on line {openedOn} is never closed: the file is cut off or a quote is not doubled (write \"\" for a quote inside a quoted field).");
                case '"' when Peek() == '"':
                    Next();
                    _field.Append('"');
                    break;
                case '"':
                    return;
                case '\r' or '\n':
                    // A line break inside quotes is data: keep it as written and count the line.
                    _field.Append((char)next);
                    if (next == '\r' && Peek() == '\n')
                    {
                        _field.Append((char)Next());
                    }

                    _line++;
                    break;
                default:
                    _field.Append((char)next);
                    break;
            }
        }
    }

    private void ConsumeLineBreak(int first)
    {
        if (first == '\r' && Peek() == '\n')
        {
            Next();
        }

        _line++;
    }

    private int Next()
    {
        var next = Peek();
        if (next != EndOfInput)
        {
            _position++;
        }

        return next;
    }

    private int Peek()
    {
        if (_position == _length)
        {
            _length = _reader.Read(_buffer, 0, _buffer.Length);
            _position = 0;
            if (_length == 0)
            {
                return EndOfInput;
            }
        }

        return _buffer[_position];
    }
}

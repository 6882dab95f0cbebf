using Assets.Storage.Parquet;
using Parquet.Serialization.Attributes;

namespace Assets.Storage.Tests.Parquet;

/// <summary>Decimals at each physical type Parquet.Net picks for a precision: INT32, INT64, fixed-length bytes.</summary>
public sealed record Decimals
{
    [ParquetDecimal(9, 2)]
    public decimal Int32Backed { get; init; }

    [ParquetDecimal(18, 6)]
    public decimal Int64Backed { get; init; }

    public decimal Default { get; init; } // (38, 18)

    [ParquetDecimal(28, 0)]
    public decimal? Whole { get; init; }
}

/// <summary>Decimals at the edges of precision and scale, for random values that fit each.</summary>
public sealed record DecimalEdges
{
    [ParquetDecimal(9, 0)]
    public decimal P9S0 { get; init; }

    [ParquetDecimal(9, 9)]
    public decimal P9S9 { get; init; }

    [ParquetDecimal(18, 18)]
    public decimal P18S18 { get; init; }

    [ParquetDecimal(18, 11)]
    public decimal P18S11 { get; init; }

    [ParquetDecimal(19, 4)]
    public decimal P19S4 { get; init; }

    [ParquetDecimal(28, 28)]
    public decimal P28S28 { get; init; }

    [ParquetDecimal(38, 0)]
    public decimal P38S0 { get; init; }
}

public sealed record Timestamps
{
    public DateTime Impala { get; init; }

    [ParquetTimestamp(ParquetTimestampResolution.Milliseconds)]
    public DateTime Millis { get; init; }

    [ParquetTimestamp(ParquetTimestampResolution.Microseconds)]
    public DateTime? Micros { get; init; }

    [ParquetTimestamp(ParquetTimestampResolution.Milliseconds, useLogicalTimestamp: true)]
    public DateTime LogicalMillis { get; init; }

    [ParquetTimestamp(ParquetTimestampResolution.Microseconds, useLogicalTimestamp: true, isAdjustedToUTC: false)]
    public DateTime LogicalMicros { get; init; }
}

public sealed record Floats(double Wide, float Narrow, double? MaybeWide, float? MaybeNarrow);

/// <summary>
/// Values taken from the rows a run wrote must be exactly what Parquet.Net reads back from the file: bit for bit,
/// decimals with their scale and timestamps with their kind. Each kind is compared against the file's own read-back.
/// </summary>
public sealed class WrittenValuesTests
{
    private static readonly ParquetWriteOptions SmallRowGroups = new() { RowGroupSize = 5 };

    private static async Task<(MemoryStream File, IReadOnlyList<object> Written)> WriteAsync<T>(IReadOnlyList<T> rows)
    {
        var file = new MemoryStream();
        var kept = new WrittenRows(10_000);
        await ParquetRecordFormat.WriteAsync(rows.ToAsyncEnumerable(), file, SmallRowGroups, kept, CancellationToken.None);
        file.Position = 0;
        Assert.NotNull(kept.Rows);
        return (file, kept.Rows);
    }

    private static string Bits(decimal value) => string.Join(",", decimal.GetBits(value));

    private static string Bits(decimal? value) => value is { } present ? Bits(present) : "<null>";

    private static string Describe(Decimals row) => $"{Bits(row.Int32Backed)}|{Bits(row.Int64Backed)}|{Bits(row.Default)}|{Bits(row.Whole)}";

    private static string Describe(Timestamps row) => string.Join(
        "|", row.Impala.Ticks, row.Impala.Kind, row.Millis.Ticks, row.Millis.Kind, row.Micros?.Ticks, row.Micros?.Kind,
        row.LogicalMillis.Ticks, row.LogicalMillis.Kind, row.LogicalMicros.Ticks, row.LogicalMicros.Kind);

    private static string Describe(Floats row) => string.Join(
        "|", BitConverter.DoubleToInt64Bits(row.Wide), BitConverter.SingleToInt32Bits(row.Narrow),
        row.MaybeWide is { } d ? BitConverter.DoubleToInt64Bits(d) : "<null>", row.MaybeNarrow is { } f ? BitConverter.SingleToInt32Bits(f) : "<null>");

    /// <summary>The file's own read-back, and what a reader given the written rows returns (both must agree exactly).</summary>
    private static async Task<(List<string> FromFile, List<string> FromWrites, bool BuiltWithoutTheFile)> ReadBothWaysAsync<T>(
        IReadOnlyList<T> rows, Func<T, string> describe)
        where T : notnull
    {
        var (file, kept) = await WriteAsync(rows);
        var fromFile = await ParquetRecordFormat.ReadAsync<T>(file).Select(describe).ToListAsync();
        file.Position = 0;
        var fromWrites = await ParquetRecordFormat.ReadAsync(typeof(T), file, kept).Cast<T>().Select(describe).ToListAsync();
        bool built = ParquetRecordFormat.TryReadWritten(typeof(T), kept, out var builtRows);
        if (built)
        {
            Assert.Equal(fromFile, builtRows!.Cast<T>().Select(describe));
        }

        return (fromFile, fromWrites, built);
    }

    private static Decimals ExactDecimal(int i) => new()
    {
        Int32Backed = (i % 5) switch { 0 => 0m, 1 => 12.3m, 2 => -9999999.99m, 3 => 9999999.99m, _ => i },
        Int64Backed = (i % 5) switch { 0 => -0.000001m, 1 => 123456789012.345678m, 2 => -123456789012.345678m, 3 => 1.5m, _ => 0.000m },
        Default = (i % 5) switch { 0 => 1.50m, 1 => -0.000000000000000001m, 2 => 79228162514.264337593543950335m, 3 => -12m, _ => 0.1234567890123456m },
        Whole = (i % 3) switch { 0 => null, 1 => 9999999999999999999999999999m, _ => -7m },
    };

    [Fact]
    public async Task Decimals_WithinTheColumnsScaleAndPrecision_AreTakenRescaled_ExactlyAsTheFileReadsThemBack()
    {
        var rows = Enumerable.Range(0, 23).Select(ExactDecimal).ToList();

        var (fromFile, fromWrites, built) = await ReadBothWaysAsync(rows, Describe);

        Assert.Equal(fromFile, fromWrites);
        Assert.True(built); // no decimal decoded
        Assert.NotEqual(rows.Select(Describe), fromFile); // 1.5 reads back as 1.500000 at scale 6, 1.50 at (38, 18) as 1.5
    }

    [Fact]
    public async Task RandomDecimals_ThatFitTheColumn_AreTaken_ExactlyAsTheFileReadsThemBack_AtEveryPrecisionAndScale()
    {
        var random = new Random(14);
        decimal Fitting(int precision, int scale)
        {
            int valueScale = random.Next(scale + 1);
            int digits = random.Next(Math.Min(precision - (scale - valueScale), 28) + 1); // digits of the unscaled integer
            decimal unscaled = 0;
            for (int d = 0; d < digits; d++)
            {
                unscaled = (unscaled * 10) + random.Next(d == 0 ? 1 : 0, 10);
            }

            int[] bits = decimal.GetBits(unscaled);
            return new decimal(bits[0], bits[1], bits[2], digits > 0 && random.Next(2) == 0, (byte)valueScale);
        }

        var rows = Enumerable.Range(0, 400).Select(_ => new DecimalEdges
        {
            P9S0 = Fitting(9, 0),
            P9S9 = Fitting(9, 9),
            P18S18 = Fitting(18, 18),
            P18S11 = Fitting(18, 11),
            P19S4 = Fitting(19, 4),
            P28S28 = Fitting(28, 28),
            P38S0 = Fitting(38, 0),
        }).Append(new DecimalEdges { P38S0 = decimal.MaxValue, P19S4 = 999_999_999_999_999.9999m, P9S9 = 0.999999999m, P18S18 = -0.999999999999999999m })
          .Append(new DecimalEdges { P38S0 = decimal.MinValue, P9S0 = -999_999_999m, P28S28 = 0.9999999999999999999999999999m, P18S11 = -9_999_999.99999999999m })
          .ToList();
        static string DescribeEdges(DecimalEdges r) => string.Join("|", Bits(r.P9S0), Bits(r.P9S9), Bits(r.P18S18), Bits(r.P18S11), Bits(r.P19S4), Bits(r.P28S28), Bits(r.P38S0));

        var (fromFile, fromWrites, built) = await ReadBothWaysAsync(rows, DescribeEdges);

        Assert.Equal(fromFile, fromWrites);
        Assert.True(built);
    }

    [Theory]
    [InlineData("more decimals than the scale", 0)]
    [InlineData("a negative zero", 1)]
    [InlineData("more digits than the precision", 2)]
    public async Task ADecimalThatMightNotReadBackAsRescaled_IsDecodedFromTheFile_ForItsRowGroup(string why, int kind)
    {
        decimal odd = kind switch
        {
            0 => 1.0000000000000000001m,                  // 19 decimals in a scale-18 column: the write cuts them
            1 => new decimal(0, 0, 0, isNegative: true, scale: 3),
            _ => 100_000_000_000_000_000_001m,            // 39 digits at scale 18: past the column's precision
        };
        var rows = Enumerable.Range(0, 12).Select(i => ExactDecimal(i) with { Default = i == 7 ? odd : ExactDecimal(i).Default }).ToList();

        var (fromFile, fromWrites, built) = await ReadBothWaysAsync(rows, Describe);

        Assert.Equal(fromFile, fromWrites);
        Assert.False(built, why);
    }

    private static Timestamps ExactTimestamp(int i)
    {
        var at = new DateTime(2024, 3, 31, 1, 30, 0, DateTimeKind.Utc).AddDays(i * 400 - 20_000);
        return new Timestamps
        {
            Impala = at.AddTicks(i * 1234567L + 1),
            Millis = at.AddMilliseconds(i * 7),
            Micros = i % 3 == 0 ? null : at.AddTicks(i * 10L),
            LogicalMillis = at.AddMilliseconds(-i),
            LogicalMicros = i % 2 == 0 ? DateTime.MinValue.AddTicks(i * 10L) : DateTime.MaxValue.AddTicks(-9 - (i * 10L)),
        };
    }

    [Fact]
    public async Task UtcTimestamps_WithoutTicksBelowTheUnit_AreTaken_ExactlyAsTheFileReadsThemBack_FirstAndLastInstantsIncluded()
    {
        var first = DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc);
        var lastMillisecond = DateTime.SpecifyKind(DateTime.MaxValue.AddTicks(-9999), DateTimeKind.Utc);
        var rows = Enumerable.Range(0, 17).Select(ExactTimestamp)
            .Select(r => r with { LogicalMicros = DateTime.SpecifyKind(r.LogicalMicros, DateTimeKind.Utc) })
            .Append(new Timestamps { Impala = first, Millis = first, Micros = first, LogicalMillis = first, LogicalMicros = first })
            .Append(new Timestamps
            {
                Impala = DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc),
                Millis = lastMillisecond,
                Micros = DateTime.SpecifyKind(DateTime.MaxValue.AddTicks(-9), DateTimeKind.Utc),
                LogicalMillis = lastMillisecond,
                LogicalMicros = DateTime.SpecifyKind(DateTime.MaxValue.AddTicks(-9), DateTimeKind.Utc),
            }).ToList();

        var (fromFile, fromWrites, built) = await ReadBothWaysAsync(rows, Describe);

        Assert.Equal(fromFile, fromWrites);
        Assert.True(built);
    }

    [Theory]
    [InlineData("a tick below the millisecond", 0)]
    [InlineData("a tick below the microsecond", 1)]
    [InlineData("an unspecified kind", 2)]
    [InlineData("a local time", 3)]
    public async Task ATimestampThatMightNotReadBackUnchanged_IsDecodedFromTheFile_ForItsRowGroup(string why, int kind)
    {
        var rows = Enumerable.Range(0, 12).Select(i =>
        {
            Timestamps row = ExactTimestamp(i) with { LogicalMicros = DateTime.SpecifyKind(ExactTimestamp(i).LogicalMicros, DateTimeKind.Utc) };
            return i != 6 ? row : kind switch
            {
                0 => row with { Millis = row.Millis.AddTicks(1) },
                1 => row with { Micros = row.Millis.AddTicks(3) },
                2 => row with { Impala = DateTime.SpecifyKind(row.Impala, DateTimeKind.Unspecified) },
                _ => row with { LogicalMillis = DateTime.SpecifyKind(row.LogicalMillis, DateTimeKind.Local) },
            };
        }).ToList();

        var (fromFile, fromWrites, built) = await ReadBothWaysAsync(rows, Describe);

        Assert.Equal(fromFile, fromWrites);
        Assert.False(built, why);
    }

    [Fact]
    public async Task FloatingPoint_WithoutNegativeZeroOrNaN_IsTaken_BitForBitAsTheFileReadsItBack()
    {
        double[] doubles = [0.0, 0.1, -1e-308, double.Epsilon, double.MaxValue, double.MinValue, double.PositiveInfinity, double.NegativeInfinity, 0.0, 0.1, 3.5];
        float[] floats = [0f, 0.1f, -1e-38f, float.Epsilon, float.MaxValue, float.MinValue, float.PositiveInfinity, float.NegativeInfinity, 0f, 0.1f];
        var rows = Enumerable.Range(0, 22)
            .Select(i => new Floats(doubles[i % doubles.Length], floats[i % floats.Length], i % 4 == 0 ? null : doubles[(i + 3) % doubles.Length], i % 5 == 0 ? null : floats[(i + 1) % floats.Length]))
            .ToList();

        var (fromFile, fromWrites, built) = await ReadBothWaysAsync(rows, Describe);

        Assert.Equal(fromFile, fromWrites);
        Assert.True(built);
    }

    [Theory]
    [InlineData("0.0 and -0.0 in one row group", 0)]
    [InlineData("NaNs of different payloads in one row group", 1)]
    [InlineData("-0.0 in a nullable float column", 2)]
    public async Task FloatingPointADictionaryMightMerge_IsDecodedFromTheFile_ForItsRowGroup(string why, int kind)
    {
        double otherNaN = BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8_0000_0000_0001UL));
        var rows = Enumerable.Range(0, 12).Select(i => new Floats(
            kind switch { 0 => i % 2 == 0 ? 0.0 : -0.0, 1 => i % 2 == 0 ? double.NaN : otherNaN, _ => i },
            i,
            i,
            kind == 2 && i == 4 ? -0f : i % 2 == 0 ? 0f : null)).ToList();

        var (fromFile, fromWrites, built) = await ReadBothWaysAsync(rows, Describe);

        Assert.Equal(fromFile, fromWrites);
        Assert.False(built, why);
    }

    [Fact]
    public async Task OnlyTheRowGroupWithAValueThatMustBeDecoded_IsDecoded_TheOthersAreTakenFromTheWrittenRows()
    {
        // Row groups of 5: row 7 holds a decimal with more decimals than the scale; the others are exact.
        var written = Enumerable.Range(0, 15).Select(ExactDecimal).Select((r, i) => i == 7 ? r with { Int32Backed = 1.005m } : r).ToArray();
        var (file, _) = await WriteAsync(written);

        // Stand-in written rows whose values the file does not hold: which rows come back with them shows which row
        // groups were taken and which decoded.
        var standIn = written.Select((r, i) => r with { Int32Backed = i == 7 ? r.Int32Backed : 1000 + i }).ToArray();
        var read = await ParquetRecordFormat.ReadAsync<Decimals>(file, standIn).ToListAsync();

        Assert.Equal(
            Enumerable.Range(0, 15).Select(i => i is >= 5 and < 10 ? "file" : "written"),
            read.Select((r, i) => r.Int32Backed == 1000 + i ? "written" : "file"));
        Assert.Equal(1.00m, read[7].Int32Backed); // the write cut the third decimal
    }
}

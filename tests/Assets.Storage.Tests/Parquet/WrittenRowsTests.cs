using System.Globalization;
using Assets.Storage.Parquet;

namespace Assets.Storage.Tests.Parquet;

/// <summary>Every kind of column, with the values whose read-back differs from what was written (or might).</summary>
public sealed record Mixed
{
    public long Id { get; init; }
    public int? MaybeInt { get; init; }
    public uint U32 { get; init; }
    public ulong U64 { get; init; }
    public short S16 { get; init; }
    public ushort U16 { get; init; }
    public sbyte S8 { get; init; }
    public byte U8 { get; init; }
    public bool Flag { get; init; }
    public bool? MaybeFlag { get; init; }
    public Channel Channel { get; init; }
    public Channel? MaybeChannel { get; init; }
    public DateOnly Day { get; init; }
    public DateOnly? MaybeDay { get; init; }
    public string Name { get; init; } = string.Empty;
    public string? Note { get; init; }
    public decimal Amount { get; init; }
    public DateTime At { get; init; }
    public double Ratio { get; init; }
    public TimeOnly Time { get; init; }
    public byte[]? Blob { get; init; }
    public Guid Key { get; init; }

    /// <summary>Written, never read back.</summary>
    public long Twice => Id * 2;
}

/// <summary>Only columns that come back unchanged.</summary>
public sealed record Plain(long Id, string Name, string? Note, DateOnly Day, Channel Channel, int? Count);

public sealed class WrittenRowsTests
{
    private static readonly ParquetWriteOptions SmallRowGroups = new() { RowGroupSize = 7 };

    private static Mixed[] MixedRows(int count) => Enumerable.Range(0, count).Select(i => new Mixed
    {
        Id = i - 3,
        MaybeInt = i % 3 == 0 ? null : int.MinValue + i,
        U32 = uint.MaxValue - (uint)i,
        U64 = ulong.MaxValue - (ulong)i,
        S16 = (short)(short.MinValue + i),
        U16 = (ushort)(ushort.MaxValue - i),
        S8 = (sbyte)(sbyte.MinValue + i),
        U8 = (byte)(255 - i),
        Flag = i % 2 == 0,
        MaybeFlag = i % 4 == 0 ? null : i % 4 == 1,
        Channel = (Channel)(i % 4),
        MaybeChannel = i % 5 == 0 ? null : Channel.Store,
        Day = new DateOnly(1969, 12, 31).AddDays(i * 1000 - 5000),
        MaybeDay = i % 2 == 0 ? null : DateOnly.MaxValue.AddDays(-i),
        Name = (i % 6) switch { 0 => string.Empty, 1 => "ascii", 2 => "\u00e9t\u00e9 \u65e5\u672c", 3 => "pair \ud83d\ude00", 4 => "lone \ud800 surrogate", _ => new string('x', 300) + i },
        Note = (i % 3) switch { 0 => null, 1 => string.Empty, _ => "note " + i },
        Amount = (i % 4) switch { 0 => 9.50m, 1 => -0.000000000000000000123m, 2 => 123456789.123456789012345678m, _ => i },
        At = new DateTime(1969, 12, 31, 23, 59, 59, DateTimeKind.Local).AddTicks(i * 1234567L),
        Ratio = (i % 4) switch { 0 => -0.0, 1 => double.NaN, 2 => 0.1 * i, _ => double.Epsilon },
        Time = new TimeOnly(i % 24, i % 60, 7).Add(TimeSpan.FromTicks(i)),
        Blob = i % 3 == 0 ? null : [(byte)i, 0, 255],
        Key = new Guid(i, (short)i, (short)-i, 1, 2, 3, 4, 5, 6, 7, (byte)i),
    }).ToArray();

    /// <summary>Every member as text, decimals with their scale and timestamps with their ticks and kind.</summary>
    private static string Describe(Mixed row) => string.Join(
        "|",
        row.Id, row.MaybeInt, row.U32, row.U64, row.S16, row.U16, row.S8, row.U8, row.Flag, row.MaybeFlag, row.Channel, row.MaybeChannel,
        row.Day.DayNumber, row.MaybeDay?.DayNumber, row.Name, row.Note is null ? "<null>" : "[" + row.Note + "]",
        row.Amount.ToString(CultureInfo.InvariantCulture), row.At.Ticks, row.At.Kind, BitConverter.DoubleToInt64Bits(row.Ratio), row.Time.Ticks,
        row.Blob is null ? "<null>" : Convert.ToHexString(row.Blob), row.Key, row.Twice);

    private static async Task<(MemoryStream File, IReadOnlyList<object>? Written)> WriteAsync<T>(IEnumerable<T> rows, long limit = 1000)
    {
        var file = new MemoryStream();
        var kept = new WrittenRows(limit);
        await ParquetRecordFormat.WriteAsync(rows.ToAsyncEnumerable(), file, SmallRowGroups, kept, CancellationToken.None);
        file.Position = 0;
        return (file, kept.Rows);
    }

    [Fact]
    public async Task RowsBuiltFromTheWrittenRows_AreTheRowsTheFileReadsBackAs_DecimalsTimestampsAndIllFormedStringsIncluded()
    {
        var written = MixedRows(40);
        var (file, kept) = await WriteAsync(written);
        Assert.Equal(written.Length, kept!.Count);

        var fromFile = await ParquetRecordFormat.ReadAsync<Mixed>(file).ToListAsync();
        file.Position = 0;
        var fromWrites = await ParquetRecordFormat.ReadAsync(typeof(Mixed), file, kept).Cast<Mixed>().ToListAsync();

        Assert.Equal(fromFile.Select(Describe), fromWrites.Select(Describe));
        Assert.NotEqual(written.Select(Describe), fromFile.Select(Describe)); // the file does change some values
        Assert.False(ParquetRecordFormat.TryReadWritten(typeof(Mixed), kept, out _)); // decimals etc. need the file
    }

    [Fact]
    public async Task ColumnsThatComeBackUnchanged_AreTakenFromTheWrittenRows_OthersAreDecoded()
    {
        var (file, _) = await WriteAsync(MixedRows(20));

        // Stand-in "written" rows that differ from the file in every column: what the reader returns shows which
        // columns it took from them.
        var other = MixedRows(20).Select(r => r with { Id = r.Id + 100, Name = "other", Amount = r.Amount + 1, At = r.At.AddDays(1) }).ToArray();
        var read = await ParquetRecordFormat.ReadAsync<Mixed>(file, other).ToListAsync();

        Assert.Equal(other.Select(r => (r.Id, r.Name)), read.Select(r => (r.Id, r.Name)));
        file.Position = 0;
        var fromFile = await ParquetRecordFormat.ReadAsync<Mixed>(file).ToListAsync();
        Assert.Equal(fromFile.Select(r => (r.Amount, r.At)), read.Select(r => (r.Amount, r.At)));
    }

    [Fact]
    public async Task RowsOfOnlyUnchangedColumns_AreBuiltWithoutTheFile_AsNewRecords()
    {
        var written = Enumerable.Range(0, 30).Select(i => new Plain(i, "name " + (i % 4), i % 2 == 0 ? null : string.Empty, DateOnly.MinValue.AddDays(i), (Channel)(i % 3), i % 5 == 0 ? null : -i)).ToArray();
        var (file, kept) = await WriteAsync(written);

        Assert.True(ParquetRecordFormat.TryReadWritten(typeof(Plain), kept!, out var built));
        var fromFile = await ParquetRecordFormat.ReadAsync<Plain>(file).ToListAsync();
        Assert.Equal(fromFile, built.Cast<Plain>());
        Assert.All(built.Zip(written), pair => Assert.NotSame(pair.Second, pair.First));
    }

    [Fact]
    public async Task AStringWithASurrogate_IsDecodedFromTheFile_NotTakenFromTheWrittenRows()
    {
        var written = new[] { new Plain(1, "lone \udc00", null, DateOnly.MinValue, Channel.Web, null) };
        var (file, kept) = await WriteAsync(written);

        Assert.False(ParquetRecordFormat.TryReadWritten(typeof(Plain), kept!, out _));
        var read = await ParquetRecordFormat.ReadAsync(typeof(Plain), file, kept).Cast<Plain>().SingleAsync();
        Assert.Equal("lone \ufffd", read.Name);
    }

    [Fact]
    public async Task ColumnBuffers_AreReusedByTheNextFile_WithoutValuesOfTheLast()
    {
        var column = RecordLayout<Plain>.Get().Columns[2];
        var released = column.CreateBuffer();
        released.Release();
        Assert.Same(released, column.CreateBuffer());
        released.Release();

        // Files of shrinking sizes, nulls where the previous file had values, written and read at once.
        var files = Enumerable.Range(0, 12).Select(f => Enumerable.Range(0, 40 - (f * 3)).Select(i => new Plain(
            f * 1000 + i, $"file {f} row {i}", (i + f) % 2 == 0 ? null : $"note {f}/{i}", DateOnly.MinValue.AddDays(f + i), (Channel)(i % 3), (i + f) % 3 == 0 ? null : i)).ToArray()).ToArray();
        var read = await Task.WhenAll(files.Select(async rows =>
        {
            var (file, _) = await WriteAsync(rows);
            return await ParquetRecordFormat.ReadAsync<Plain>(file).ToListAsync();
        }));

        Assert.Equal(files.Select(f => f.ToList()), read);
    }

    [Fact]
    public async Task MoreRowsThanTheLimit_AreNotKept()
    {
        var (_, kept) = await WriteAsync(MixedRows(20), limit: 19);
        Assert.Null(kept);
    }
}

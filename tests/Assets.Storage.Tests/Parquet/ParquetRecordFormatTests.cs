using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Assets.Storage.Parquet;
using Parquet;
using Parquet.Serialization;
using Parquet.Serialization.Attributes;

namespace Assets.Storage.Tests.Parquet;

public enum Channel
{
    Web = 1,
    Store = 2,
}

public sealed class AllTypes
{
    public bool Flag { get; set; }
    public byte Small { get; set; }
    public short Int16Value { get; set; }
    public int Int32Value { get; set; }
    public long Int64Value { get; set; }
    public uint UInt32Value { get; set; }
    public ulong UInt64Value { get; set; }
    public float FloatValue { get; set; }
    public double DoubleValue { get; set; }
    public decimal Amount { get; set; }

    [ParquetDecimal(18, 4)]
    public decimal Price { get; set; }

    public string? Text { get; set; }
    public byte[]? Blob { get; set; }
    public DateTime At { get; set; }
    public DateTime? MaybeAt { get; set; }
    public DateOnly Day { get; set; }
    public TimeOnly Time { get; set; }
    public Guid Id { get; set; }
    public Guid? MaybeId { get; set; }
    public Channel Channel { get; set; }
    public Channel? MaybeChannel { get; set; }
    public int? MaybeInt { get; set; }
    public double? MaybeDouble { get; set; }
    public bool? MaybeFlag { get; set; }
}

public sealed record PositionalOrder(long OrderId, string Customer, decimal Amount, DateOnly Day);

public sealed class RequiredOrder
{
    public required long OrderId { get; init; }
    public required string Customer { get; init; }
    public int Total => (int)OrderId * 2;
}

public sealed record Small(long Id, int Value);

public sealed record Named(long Id, [property: ParquetRequired] string Name);

public readonly record struct Reading(int Sensor, double? Value, string? Label, DateTime? At);

public sealed record SixColumns(long Id, int Quantity, double Price, string Sku, DateTime At, bool Flag);

public sealed class SixColumnsClass
{
    public long Id { get; set; }
    public int Quantity { get; set; }
    public double Price { get; set; }
    public string Sku { get; set; } = "";
    public DateTime At { get; set; }
    public bool Flag { get; set; }
}

public sealed class WithNodaLike
{
    public long Id { get; set; }
    public DateTimeOffset When { get; set; }
    public TimeSpan Took { get; set; }
    public List<int> Tags { get; set; } = [];
    public Small? Nested { get; set; }
}

public sealed class NoMatchingConstructor(long key)
{
    public long Id { get; } = key;
}

public sealed class ParquetRecordFormatTests
{
    private static AllTypes Sample(int i) => new()
    {
        Flag = i % 2 == 0,
        Small = (byte)i,
        Int16Value = (short)-i,
        Int32Value = i * 7,
        Int64Value = long.MaxValue - i,
        UInt32Value = uint.MaxValue - (uint)i,
        UInt64Value = ulong.MaxValue - (ulong)i,
        FloatValue = i + 0.5f,
        DoubleValue = i / 3.0,
        Amount = 12345.678901234567m + i,
        Price = 19.9900m + i,
        Text = i switch { 0 => null, 1 => "", _ => "text " + i },
        Blob = i == 0 ? null : [(byte)i, 1, 2],
        At = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234567 + i),
        MaybeAt = i % 3 == 0 ? null : new DateTime(2026, 3, 29, 1, 30, 0, DateTimeKind.Utc),
        Day = new DateOnly(2026, 1, 1).AddDays(i),
        Time = new TimeOnly(23, 59, 59).Add(TimeSpan.FromTicks(1234 + i)),
        Id = new Guid(i, 2, 3, [4, 5, 6, 7, 8, 9, 10, 11]),
        MaybeId = i % 2 == 0 ? null : Guid.Empty,
        Channel = i % 2 == 0 ? Channel.Web : Channel.Store,
        MaybeChannel = i % 2 == 0 ? null : Channel.Store,
        MaybeInt = i % 2 == 0 ? null : i,
        MaybeDouble = i % 2 == 0 ? null : double.NaN,
        MaybeFlag = i % 3 == 0 ? null : i % 3 == 1,
    };

    private static async Task<List<T>> ReadAll<T>(Stream stream)
    {
        stream.Position = 0;
        var list = new List<T>();
        await foreach (T row in ParquetRecordFormat.ReadAsync<T>(stream))
        {
            list.Add(row);
        }

        return list;
    }

    // The executor's entry point takes the record type at run time; a variable keeps the analyzer from steering to the generic one.
    private static readonly Type SmallType = typeof(Small);

    [Fact]
    public async Task UntypedWrite_GivesTheSameBytes_WhetherTheStreamIsTypedOrOfObjects()
    {
        Small[] rows = Enumerable.Range(0, 2_500).Select(i => new Small(i, i % 7)).ToArray();
        var options = new ParquetWriteOptions { RowGroupSize = 1_000 };
        using var typed = new MemoryStream();
        using var objects = new MemoryStream();
        using var collection = new MemoryStream();
        using var objectCollection = new MemoryStream();

        // A typed stream is handed over as it is (covariance) and written without the casting iterator.
        await ParquetRecordFormat.WriteAsync(SmallType, Async(rows), typed, options);
        await ParquetRecordFormat.WriteAsync(SmallType, Async(rows.Cast<object?>()), objects, options);
        await ParquetRecordFormat.WriteAsync(SmallType, rows, collection, options);
        await ParquetRecordFormat.WriteAsync(SmallType, rows.Cast<object?>().ToList(), objectCollection, options);

        Assert.Equal(objects.ToArray(), typed.ToArray());
        Assert.Equal(objects.ToArray(), collection.ToArray());
        Assert.Equal(objects.ToArray(), objectCollection.ToArray());
    }

    [Fact]
    public async Task UntypedWrite_OfATypedStreamWithANullRow_NamesTheRow()
    {
        Small?[] rows = [new Small(1, 1), null, new Small(3, 3)];

        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => ParquetRecordFormat.WriteAsync(SmallType, Async(rows), new MemoryStream()));

        Assert.Contains("Row 1 is null", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UntypedWrite_OfAStreamOfAnotherRecordType_IsRejected()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => ParquetRecordFormat.WriteAsync(SmallType, Async(new object?[] { new Small(1, 1), "not a record" }), new MemoryStream()));

        Assert.Contains("Row 1 is a String, not a Small", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequiredColumn_WithANullValue_FailsNamingTheColumn()
    {
        Named[] rows = [new Named(1, "one"), new Named(2, null!)];

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ParquetRecordFormat.WriteAsync(rows, new MemoryStream()));

        Assert.Contains("Column 'Name' is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StructRecords_WithNullableColumns_RoundTrip_AcrossRowGroups()
    {
        var at = new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);
        Reading[] rows = Enumerable.Range(0, 25)
            .Select(i => new Reading(i, i % 3 == 0 ? null : i * 0.5, i % 4 == 0 ? null : "s" + i, i % 5 == 0 ? null : at.AddMinutes(i)))
            .ToArray();
        using var stream = new MemoryStream();

        await ParquetRecordFormat.WriteAsync(rows, stream, new ParquetWriteOptions { RowGroupSize = 10 });
        stream.Position = 0;

        Assert.Equal(rows, await ReadAll<Reading>(stream));
    }

    private static async IAsyncEnumerable<T> Async<T>(IEnumerable<T> rows, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (T row in rows)
        {
            ct.ThrowIfCancellationRequested();
            yield return row;
            await Task.CompletedTask;
        }
    }

    [Fact]
    public async Task RoundTrip_AllSupportedTypes()
    {
        AllTypes[] rows = Enumerable.Range(0, 10).Select(Sample).ToArray();
        using var stream = new MemoryStream();
        RecordFileSummary summary = await ParquetRecordFormat.WriteAsync(rows, stream, new ParquetWriteOptions { RowGroupSize = 4 });
        Assert.Equal(10, summary.Rows);
        Assert.Equal(stream.Length, summary.Bytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(stream.ToArray())), summary.Sha256);

        List<AllTypes> back = await ReadAll<AllTypes>(stream);
        Assert.Equal(rows.Length, back.Count);
        for (int i = 0; i < rows.Length; i++)
        {
            AllTypes a = rows[i], b = back[i];
            Assert.Equal(
                (a.Flag, a.Small, a.Int16Value, a.Int32Value, a.Int64Value, a.UInt32Value, a.UInt64Value, a.FloatValue, a.DoubleValue, a.Text, a.Day, a.Time, a.Id, a.MaybeId, a.Channel, a.MaybeChannel, a.MaybeInt, a.MaybeFlag),
                (b.Flag, b.Small, b.Int16Value, b.Int32Value, b.Int64Value, b.UInt32Value, b.UInt64Value, b.FloatValue, b.DoubleValue, b.Text, b.Day, b.Time, b.Id, b.MaybeId, b.Channel, b.MaybeChannel, b.MaybeInt, b.MaybeFlag));
            Assert.Equal(a.MaybeDouble, b.MaybeDouble);
            Assert.Equal(a.Blob, b.Blob);
            Assert.Equal(a.Amount, b.Amount);
            Assert.Equal(a.Price, b.Price);
            Assert.Equal(4, decimal.GetBits(b.Price)[3] >> 16 & 0xFF); // scale 4 kept: 19.9900
            Assert.Equal(a.At, b.At);
            Assert.Equal(DateTimeKind.Utc, b.At.Kind);
            Assert.Equal(a.MaybeAt, b.MaybeAt);
        }

        Assert.Null(back[0].Text);
        Assert.Equal("", back[1].Text);
    }

    [Fact]
    public async Task DateTime_KeepsTicks_KindBecomesUtc_LocalIsNotConverted()
    {
        var local = new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Local);
        var unspecified = new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Unspecified);
        using var stream = new MemoryStream();
        await ParquetRecordFormat.WriteAsync(new[] { local, unspecified }.Select(d => new SixColumnsClass { At = d }), stream);
        List<SixColumnsClass> back = await ReadAll<SixColumnsClass>(stream);
        Assert.All(back, r => Assert.Equal(DateTimeKind.Utc, r.At.Kind));
        Assert.Equal(local.Ticks, back[0].At.Ticks);
        Assert.Equal(unspecified.Ticks, back[1].At.Ticks);
    }

    [Fact]
    public async Task RoundTrip_PositionalRecord_And_RequiredInitMembers()
    {
        PositionalOrder[] orders = [new(1, "ann", 10.5m, new DateOnly(2026, 1, 1)), new(2, "bob", 0m, new DateOnly(2026, 1, 2))];
        using var stream = new MemoryStream();
        await ParquetRecordFormat.WriteAsync(orders, stream);
        Assert.Equal(orders, await ReadAll<PositionalOrder>(stream));

        RequiredOrder[] required = [new() { OrderId = 5, Customer = "c" }];
        using var stream2 = new MemoryStream();
        RecordFileSummary summary = await ParquetRecordFormat.WriteAsync(required, stream2);
        Assert.Contains("Total:int32:required", summary.Schema, StringComparison.Ordinal); // computed: written, not read back
        RequiredOrder back = Assert.Single(await ReadAll<RequiredOrder>(stream2));
        Assert.Equal((5L, "c", 10), (back.OrderId, back.Customer, back.Total));
    }

    [Fact]
    public async Task EmptyInput_WritesAValidFileWithTheSchemaAndNoRows()
    {
        using var stream = new MemoryStream();
        RecordFileSummary summary = await ParquetRecordFormat.WriteAsync(Async(Array.Empty<Small>()), stream);
        Assert.Equal(0, summary.Rows);
        Assert.Equal(stream.Length, summary.Bytes);
        Assert.Empty(await ReadAll<Small>(stream));
        stream.Position = 0;
        await using ParquetReader reader = await ParquetReader.CreateAsync(stream, leaveStreamOpen: true);
        Assert.Equal(["Id", "Value"], reader.Schema.DataFields.Select(f => f.Name));
        Assert.Equal(0, reader.RowGroupCount);
    }

    [Fact]
    public void DescribeSchema_IsStableText()
    {
        Assert.Equal(
            "OrderId:int64:required\nCustomer:string:nullable\nAmount:decimal(38,18):required\nDay:date:required",
            ParquetRecordFormat.DescribeSchema(typeof(PositionalOrder)));
        string all = ParquetRecordFormat.DescribeSchema(typeof(AllTypes));
        Assert.Contains("Price:decimal(18,4):required", all, StringComparison.Ordinal);
        Assert.Contains("At:timestamp(impala,utc):required", all, StringComparison.Ordinal);
        Assert.Contains("MaybeChannel:int32:nullable", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MillionRowStream_WritesTenRowGroups_AndNeverBuffersMoreThanOneGroup()
    {
        const int total = 1_000_000, group = 100_000;
        long produced = 0, maxAhead = 0;
        var file = Path.Combine(Path.GetTempPath(), $"assets-parquet-{Guid.NewGuid():N}.parquet");
        try
        {
            // A forward-only destination that records how far the producer ran ahead of each write.
            RecordFileSummary summary;
            await using (var fs = new FileStream(file, FileMode.CreateNew))
            {
                var watch = new ObservingStream(fs, () => produced);
                summary = await ParquetRecordFormat.WriteAsync(Produce(), watch, new ParquetWriteOptions { RowGroupSize = group });
                maxAhead = watch.MaxRowsBetweenWrites;
            }

            Assert.Equal(total, summary.Rows);
            Assert.True(maxAhead <= group + 1, $"the writer ran {maxAhead} rows ahead without writing");

            await using var read = File.OpenRead(file);
            await using (ParquetReader reader = await ParquetReader.CreateAsync(read, leaveStreamOpen: true))
            {
                Assert.Equal(10, reader.RowGroupCount);
                Assert.All(reader.RowGroups, rg => Assert.Equal(group, rg.RowCount));
            }

            read.Position = 0;
            long count = 0, sum = 0;
            await foreach (Small row in ParquetRecordFormat.ReadAsync<Small>(read))
            {
                Assert.Equal(count, row.Id);
                sum += row.Value;
                count++;
            }

            Assert.Equal(total, count);
            Assert.Equal(Enumerable.Range(0, total).Sum(i => (long)(i % 1000)), sum);
        }
        finally
        {
            File.Delete(file);
        }

        async IAsyncEnumerable<Small> Produce()
        {
            for (int i = 0; i < total; i++)
            {
                produced++;
                yield return new Small(i, i % 1000);
                if (i % 50_000 == 0)
                {
                    await Task.Yield();
                }
            }
        }
    }

    [Fact]
    public async Task Writing_IsDeterministic_AndHashTracksContent()
    {
        static IEnumerable<SixColumns> Rows(int seed) => Enumerable.Range(0, 50_000).Select(i => new SixColumns(
            i, (i * seed) % 97, i * 0.25, "sku-" + (i % 500), new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(i), i % 3 == 0));

        using var a = new MemoryStream();
        using var b = new MemoryStream();
        using var c = new MemoryStream();
        using var d = new MemoryStream();
        RecordFileSummary first = await ParquetRecordFormat.WriteAsync(Rows(7), a, new ParquetWriteOptions { RowGroupSize = 10_000 });
        RecordFileSummary second = await ParquetRecordFormat.WriteAsync(Async(Rows(7)), b, new ParquetWriteOptions { RowGroupSize = 10_000 });
        RecordFileSummary other = await ParquetRecordFormat.WriteAsync(Rows(8), c, new ParquetWriteOptions { RowGroupSize = 10_000 });
        RecordFileSummary regrouped = await ParquetRecordFormat.WriteAsync(Rows(7), d, new ParquetWriteOptions { RowGroupSize = 20_000 });

        Assert.Equal(a.ToArray(), b.ToArray());
        Assert.Equal(first, second);
        Assert.NotEqual(first.Sha256, other.Sha256);
        Assert.NotEqual(first.Sha256, regrouped.Sha256); // the row group size is part of the bytes: always write with the default
        Assert.Equal(first.Schema, regrouped.Schema);
    }

    [Fact]
    public async Task Bytes_AreThoseOfParquetNetsOwnSerializer()
    {
        SixColumnsClass[] rows = Enumerable.Range(0, 25_000).Select(i => new SixColumnsClass
        {
            Id = i, Quantity = i % 7, Price = i / 4.0, Sku = i % 11 == 0 ? null! : "s" + (i % 300), At = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(i), Flag = i % 2 == 0,
        }).ToArray();
        using var ours = new MemoryStream();
        using var theirs = new MemoryStream();
        await ParquetRecordFormat.WriteAsync(rows, ours, new ParquetWriteOptions { RowGroupSize = 10_000 });
        await ParquetSerializer.SerializeAsync(rows, theirs, new ParquetOptions { RowGroupSize = 10_000 });
        Assert.Equal(theirs.ToArray(), ours.ToArray());
    }

    [Fact]
    public async Task NonGenericApi_WritesAndReadsByRuntimeType()
    {
        Type type = typeof(PositionalOrder);
        object?[] rows = [new PositionalOrder(1, "a", 1m, new DateOnly(2026, 1, 1)), new PositionalOrder(2, "b", 2m, new DateOnly(2026, 1, 2))];
        using var stream = new MemoryStream();
        RecordFileSummary summary = await ParquetRecordFormat.WriteAsync(type, Async(rows), stream);
        Assert.Equal(2, summary.Rows);
        stream.Position = 0;
        var back = new List<object>();
        await foreach (object row in ParquetRecordFormat.ReadAsync(type, stream))
        {
            back.Add(row);
        }

        Assert.Equal(rows, back);

        using var sync = new MemoryStream();
        Assert.Equal(summary, await ParquetRecordFormat.WriteAsync(type, (IEnumerable<object?>)rows, sync));

        ArgumentException wrong = await Assert.ThrowsAsync<ArgumentException>(
            () => ParquetRecordFormat.WriteAsync(type, Async<object?>([rows[0], new Small(1, 2)]), new MemoryStream()));
        Assert.Contains("Row 1 is a Small, not a PositionalOrder", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrySupport_NamesEveryUnstorableProperty_WithASuggestion()
    {
        Assert.True(ParquetRecordFormat.TrySupport(typeof(AllTypes), out string? none));
        Assert.Null(none);
        Assert.True(ParquetRecordFormat.TrySupport(typeof(PositionalOrder), out _));
        Assert.True(ParquetRecordFormat.TrySupport(typeof(RequiredOrder), out _));

        Assert.False(ParquetRecordFormat.TrySupport(typeof(WithNodaLike), out string? error));
        Assert.Contains("'WithNodaLike.When' has type System.DateTimeOffset", error, StringComparison.Ordinal);
        Assert.Contains("value.UtcDateTime", error, StringComparison.Ordinal);
        Assert.Contains("'WithNodaLike.Took' has type System.TimeSpan", error, StringComparison.Ordinal);
        Assert.Contains("'WithNodaLike.Tags' has type System.Collections.Generic.List<System.Int32>", error, StringComparison.Ordinal);
        Assert.Contains("one row per element", error, StringComparison.Ordinal);
        Assert.Contains("'WithNodaLike.Nested'", error, StringComparison.Ordinal);

        Assert.False(ParquetRecordFormat.TrySupport(typeof(NoMatchingConstructor), out string? ctorError));
        Assert.Contains("cannot be read back", ctorError, StringComparison.Ordinal);

        Assert.False(ParquetRecordFormat.TrySupport(typeof(int), out _));
        NotSupportedException thrown = Assert.Throws<NotSupportedException>(() => ParquetRecordFormat.DescribeSchema(typeof(WithNodaLike)));
        Assert.Contains("WithNodaLike.When", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writing_AnUnsupportedType_FailsBeforeWritingAnything()
    {
        using var stream = new MemoryStream();
        await Assert.ThrowsAsync<NotSupportedException>(() => ParquetRecordFormat.WriteAsync(new[] { new WithNodaLike() }, stream));
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public async Task InvalidOptions_AreRejected()
        => await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => ParquetRecordFormat.WriteAsync(new[] { new Small(1, 1) }, new MemoryStream(), new ParquetWriteOptions { RowGroupSize = 0 }));

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.999)]
    public async Task TruncatedFile_ThrowsInvalidDataException(double keep)
    {
        using var full = new MemoryStream();
        await ParquetRecordFormat.WriteAsync(Enumerable.Range(0, 5_000).Select(i => new Small(i, i)), full, new ParquetWriteOptions { RowGroupSize = 1_000 });
        using var truncated = new MemoryStream(full.ToArray()[..(int)(full.Length * keep)]);
        InvalidDataException error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAll<Small>(truncated));
        Assert.Contains("Parquet file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadingWithAnotherRecordType_SaysWhichColumnsDiffer()
    {
        using var stream = new MemoryStream();
        await ParquetRecordFormat.WriteAsync(new[] { new Small(1, 2) }, stream);
        InvalidDataException error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAll<PositionalOrder>(stream));
        Assert.Contains("column 'OrderId' is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NullRow_IsRejectedWithItsIndex()
    {
        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(
            () => ParquetRecordFormat.WriteAsync(new Small?[] { new(1, 1), null }!, new MemoryStream()));
        Assert.Contains("Row 1 is null", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A forward-only wrapper that notes, at each write, how many rows were produced since the previous write.</summary>
    private sealed class ObservingStream(Stream inner, Func<long> produced) : Stream
    {
        private long _atLastWrite;

        public long MaxRowsBetweenWrites { get; private set; }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        private void Observe()
        {
            long now = produced();
            MaxRowsBetweenWrites = Math.Max(MaxRowsBetweenWrites, now - _atLastWrite);
            _atLastWrite = now;
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Observe();
            inner.Write(buffer, offset, count);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Observe();
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

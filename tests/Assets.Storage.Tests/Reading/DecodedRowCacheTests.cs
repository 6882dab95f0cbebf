using Assets.Metadata;
using Assets.Storage.Reading;

namespace Assets.Storage.Tests.Reading;

public sealed class DecodedRowCacheTests
{
    private static readonly MaterializationId First = MaterializationId.New();
    private static readonly MaterializationId Second = MaterializationId.New();

    [Fact]
    public async Task ReadTwice_DecodesOnce_AndTheSecondReaderGetsTheSameRows()
    {
        var cache = new DecodedRowCache();
        var decodes = 0;

        var first = await cache.ReadAsync(First, typeof(Line), () => Decode(3, () => decodes++)).ToListAsync();
        var second = await cache.ReadAsync(First, typeof(Line), () => Decode(3, () => decodes++)).ToListAsync();

        Assert.Equal(1, decodes);
        Assert.Equal(first, second);
        Assert.Equal((3, 3), (cache.RowsDecoded, cache.RowsFromMemory));
    }

    [Fact]
    public async Task APartitionLargerThanTheBudget_IsStreamedEveryTimeAndNeverHeld()
    {
        var cache = new DecodedRowCache(new DecodedRowCacheOptions { MaxRows = 2 });
        var decodes = 0;

        Assert.Equal(3, (await cache.ReadAsync(First, typeof(Line), () => Decode(3, () => decodes++)).ToListAsync()).Count);
        Assert.Equal(3, (await cache.ReadAsync(First, typeof(Line), () => Decode(3, () => decodes++)).ToListAsync()).Count);

        Assert.Equal((2, 6L, 0L), (decodes, cache.RowsDecoded, cache.RowsFromMemory));
    }

    [Fact]
    public async Task WhenFull_TheLeastRecentlyReadPartitionMakesRoom()
    {
        var cache = new DecodedRowCache(new DecodedRowCacheOptions { MaxRows = 4 });
        var third = MaterializationId.New();
        var decodes = new Dictionary<MaterializationId, int> { [First] = 0, [Second] = 0, [third] = 0 };
        Task<List<object>> Read(MaterializationId id) => cache.ReadAsync(id, typeof(Line), () => Decode(2, () => decodes[id]++)).ToListAsync().AsTask();

        await Read(First);
        await Read(Second);
        await Read(First);
        await Read(third);
        await Read(First);
        await Read(Second);

        Assert.Equal((1, 2, 1), (decodes[First], decodes[Second], decodes[third]));
    }

    [Fact]
    public async Task RowsOfAMutableType_AreDecodedForEveryReader()
    {
        var cache = new DecodedRowCache();
        var decodes = 0;

        await cache.ReadAsync(First, typeof(MutableLine), () => Decode(2, () => decodes++, i => new MutableLine { Id = i })).ToListAsync();
        await cache.ReadAsync(First, typeof(MutableLine), () => Decode(2, () => decodes++, i => new MutableLine { Id = i })).ToListAsync();

        Assert.Equal(2, decodes);
        Assert.False(DecodedRowCache.IsImmutable(typeof(MutableLine)));
        Assert.True(DecodedRowCache.IsImmutable(typeof(Line)));
        Assert.True(DecodedRowCache.IsImmutable(typeof(PositionalLine)));
    }

    [Fact]
    public async Task AReaderThatStopsEarly_LeavesNothingHeld()
    {
        var cache = new DecodedRowCache();
        var decodes = 0;

        await foreach (var _ in cache.ReadAsync(First, typeof(Line), () => Decode(5, () => decodes++)))
        {
            break;
        }

        Assert.Equal(5, (await cache.ReadAsync(First, typeof(Line), () => Decode(5, () => decodes++)).ToListAsync()).Count);
        Assert.Equal(2, decodes);
    }

    [Fact]
    public async Task TheSameMaterializationAsAnotherType_IsDecodedSeparately()
    {
        var cache = new DecodedRowCache();
        var decodes = 0;

        await cache.ReadAsync(First, typeof(Line), () => Decode(2, () => decodes++)).ToListAsync();
        await cache.ReadAsync(First, typeof(PositionalLine), () => Decode(2, () => decodes++, i => new PositionalLine(i))).ToListAsync();

        Assert.Equal(2, decodes);
    }

    [Fact]
    public async Task ReadInChunks_AHeldPartitionComesAsOneChunkOfTheSameRows_CountedAsReadFromMemory()
    {
        var cache = new DecodedRowCache();
        var decodes = 0;

        var decoded = await cache.ReadChunksAsync(First, typeof(Line), () => Decode(3, () => decodes++)).ToListAsync();
        var held = await cache.ReadChunksAsync(First, typeof(Line), () => Decode(3, () => decodes++)).ToListAsync();
        var streamed = await cache.ReadAsync(First, typeof(Line), () => Decode(3, () => decodes++)).ToListAsync();

        Assert.Equal(1, decodes);
        Assert.Equal(3, Assert.Single(decoded).Count);
        Assert.Equal(streamed, Assert.Single(held));
        Assert.All(streamed.Zip(held[0]), pair => Assert.Same(pair.First, pair.Second));
        Assert.Equal((3, 6), (cache.RowsDecoded, cache.RowsFromMemory));
    }

    [Fact]
    public async Task ReadInChunks_APartitionLargerThanTheBudget_IsDecodedEveryTime()
    {
        var cache = new DecodedRowCache(new DecodedRowCacheOptions { MaxRows = 2 });
        var decodes = 0;

        Assert.Equal(3, (await cache.ReadChunksAsync(First, typeof(Line), () => Decode(3, () => decodes++)).ToListAsync()).Sum(c => c.Count));
        Assert.Equal(3, (await cache.ReadChunksAsync(First, typeof(Line), () => Decode(3, () => decodes++)).ToListAsync()).Sum(c => c.Count));

        Assert.Equal((2, 6L, 0L), (decodes, cache.RowsDecoded, cache.RowsFromMemory));
    }

    [Fact]
    public void WrittenRows_AreTakenOnce_AndCountTowardTheBudget_LeastRecentFirstOut()
    {
        var cache = new DecodedRowCache(new DecodedRowCacheOptions { MaxRows = 4 });
        object[] rows = [new Line { Id = 1 }, new Line { Id = 2 }];
        var third = MaterializationId.New();

        cache.OfferWritten(First, typeof(Line), rows);
        cache.OfferWritten(Second, typeof(Line), rows);
        cache.OfferWritten(third, typeof(Line), rows);

        Assert.Null(cache.TakeWritten(First, typeof(Line)));
        Assert.Same(rows, cache.TakeWritten(Second, typeof(Line)));
        Assert.Null(cache.TakeWritten(Second, typeof(Line)));
        Assert.Same(rows, cache.TakeWritten(third, typeof(Line)));
        Assert.Equal(4, cache.RowsFromWrites);
    }

    [Fact]
    public void WrittenRows_AreNotKept_ForAMutableType_MoreRowsThanTheBudget_OrASecondFileOfTheSameMaterialization()
    {
        var cache = new DecodedRowCache(new DecodedRowCacheOptions { MaxRows = 2 });
        object[] two = [new Line { Id = 1 }, new Line { Id = 2 }];

        cache.OfferWritten(First, typeof(MutableLine), [new MutableLine(), new MutableLine()]);
        cache.OfferWritten(Second, typeof(Line), [.. two, new Line { Id = 3 }]);
        Assert.Null(cache.TakeWritten(First, typeof(MutableLine)));
        Assert.Null(cache.TakeWritten(Second, typeof(Line)));

        cache.OfferWritten(First, typeof(Line), two);
        cache.OfferWritten(First, typeof(Line), two);
        Assert.Null(cache.TakeWritten(First, typeof(Line)));
        Assert.Null(new DecodedRowCache(new DecodedRowCacheOptions { MaxRows = 0 }).WrittenRowsLimit(typeof(Line)));
    }

    private static async IAsyncEnumerable<object> Decode(int rows, Action started, Func<int, object>? create = null)
    {
        started();
        for (var i = 0; i < rows; i++)
        {
            await Task.Yield();
            yield return create?.Invoke(i) ?? new Line { Id = i };
        }
    }

    public sealed record Line
    {
        public int Id { get; init; }
    }

    public sealed record PositionalLine(int Id);

    public sealed class MutableLine
    {
        public int Id { get; set; }
    }
}

using Assets.Execution;

namespace Assets.Core.Tests.Execution;

public sealed class RecordStreamsTests
{
    public sealed record Row(int Value);

    [Fact]
    public async Task FromTyped_AStreamOfAReferenceType_IsPassedOnAsItIs()
    {
        var rows = Rows(new Row(1), new Row(2));

        var untyped = RecordStreams.FromTyped(typeof(Row), rows);

        // The same object: the writer can see the typed stream and enumerate it without an iterator per row.
        Assert.Same(rows, untyped);
        Assert.Equal([new Row(1), new Row(2)], await ToListAsync(untyped));
    }

    [Fact]
    public async Task FromTyped_AStreamOfAValueType_IsBoxedRowByRow()
    {
        var untyped = RecordStreams.FromTyped(typeof(int), Rows(1, 2, 3));

        Assert.Equal([1, 2, 3], await ToListAsync(untyped));
    }

    [Fact]
    public async Task ToCollectionAsync_FromChunks_AnArrayParameterGetsEveryRowInOrder()
    {
        object[] held = [new Row(1), new Row(2)];
        var chunks = Rows<IReadOnlyList<object>>(held, new List<object> { new Row(3) }, Array.Empty<object>(), new List<object> { new Row(4) });

        var collection = await RecordStreams.ToCollectionAsync(typeof(Row[]), typeof(Row), chunks, CancellationToken.None);

        var array = Assert.IsType<Row[]>(collection);
        Assert.Equal([new Row(1), new Row(2), new Row(3), new Row(4)], array);
        Assert.Same(held[0], array[0]);
    }

    [Theory]
    [InlineData(typeof(IEnumerable<Row>))]
    [InlineData(typeof(IReadOnlyList<Row>))]
    [InlineData(typeof(List<Row>))]
    public async Task ToCollectionAsync_FromChunks_AListParameterGetsAListOfEveryRow(Type parameterType)
    {
        var chunks = Rows<IReadOnlyList<object>>(new object[] { new Row(1) }, new List<object> { new Row(2) });

        var collection = await RecordStreams.ToCollectionAsync(parameterType, typeof(Row), chunks, CancellationToken.None);

        Assert.Equal([new Row(1), new Row(2)], Assert.IsType<List<Row>>(collection));
        Assert.IsAssignableFrom(parameterType, collection);
    }

    [Fact]
    public async Task ToCollectionAsync_FromChunks_ARowOfAnotherTypeIsRefused()
    {
        var chunks = Rows<IReadOnlyList<object>>(new object[] { new Row(1), "not a row" });

        await Assert.ThrowsAnyAsync<Exception>(() => RecordStreams.ToCollectionAsync(typeof(Row[]), typeof(Row), chunks, CancellationToken.None));
    }

    private static async IAsyncEnumerable<T> Rows<T>(params T[] rows)
    {
        foreach (var row in rows)
        {
            yield return row;
            await Task.Yield();
        }
    }

    private static async Task<List<object?>> ToListAsync(IAsyncEnumerable<object?> rows)
    {
        var list = new List<object?>();
        await foreach (var row in rows)
        {
            list.Add(row);
        }

        return list;
    }
}

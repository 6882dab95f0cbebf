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

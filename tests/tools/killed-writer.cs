#:project ../../src/Assets.Storage/Assets.Storage.csproj
// Writes one large object into a local root through LocalObjectStore, slowly, so a test can kill -9 this
// process in the middle of the write and check that nothing torn is visible under the object's key.
// Usage: dotnet run --file tests/tools/killed-writer.cs -- <root folder> <object key>
// Prints "writing <pid>" once the first bytes are in the store's temp file, then keeps writing.
using Assets.Storage.Objects;
using Assets.Storage.Objects.Local;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: killed-writer <root folder> <object key>");
    return 2;
}

var store = new LocalObjectStore(args[0]);
await store.CreateIfAbsentAsync(ObjectKey.Parse(args[1]), new SlowStream());
return 0;

/// <summary>64 KiB chunks forever (well, 100 GiB), announcing itself after the first one.</summary>
sealed class SlowStream : Stream
{
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_position == 65536)
        {
            Console.WriteLine($"writing {Environment.ProcessId}");
            Console.Out.Flush();
        }

        Thread.Sleep(20);
        var n = Math.Min(count, 65536);
        buffer.AsSpan(offset, n).Fill((byte)'x');
        _position += n;
        return _position > 100L * 1024 * 1024 * 1024 ? 0 : n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

#:project ../../src/Assets.Storage/Assets.Storage.csproj
// Opens a DuckDB metadata store as a command would (reconciling it with the root), publishes one partition with its
// index writes held back (a group commit an hour long), then waits, so a test can kill -9 this process after the
// pointer landed and before the index write was committed: what a crash between publish steps 5 and 6 leaves.
// Usage: dotnet run --file tests/tools/killed-publisher.cs -- <root folder> <metadata file> <asset> <partition>
// Prints "published <materialization id>" once the pointer is in place, then waits for its standard input to close.
using Assets;
using Assets.Graph;
using Assets.Partitions;
using Assets.Storage.Maintenance;
using Assets.Storage.Metadata;
using Assets.Storage.Objects.Local;
using Assets.Storage.Publishing;
using NodaTime;

if (args.Length != 4)
{
    Console.Error.WriteLine("usage: killed-publisher <root folder> <metadata file> <asset> <partition>");
    return 2;
}

var store = new LocalObjectStore(args[0]);
var metadata = await DuckDbMetadataStore.OpenAsync(args[1], SystemClock.Instance, new MetadataStoreOptions { IndexWriteDelay = Duration.FromHours(1) });
await new PointerReconciler(store, metadata, SystemClock.Instance).ReconcileChangesAsync();
var partition = new AssetPartition(AssetKey.Parse(args[2]), new PartitionKey(args[3]));
await using (var publication = await new PartitionPublisher(store, metadata, SystemClock.Instance).BeginAsync(partition, RunId.New()))
{
    await publication.StageFileAsync(async (stream, ct) =>
    {
        await stream.WriteAsync("rows of the killed publisher"u8.ToArray(), ct);
        return 1;
    });
    await publication.WriteManifestAsync("1", [], null, null);
    await publication.PublishAsync();
    Console.WriteLine($"published {publication.Id}");
    Console.Out.Flush();
}

while (Console.ReadLine() is not null)
{
}

await metadata.DisposeAsync();
return 0;

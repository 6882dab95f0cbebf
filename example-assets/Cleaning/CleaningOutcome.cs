namespace ExampleAssets.Cleaning;

/// <summary>What <see cref="OrderCleaning.Clean"/> kept and dropped.</summary>
/// <param name="Orders">The valid orders, in file order.</param>
/// <param name="RowsIn">How many raw rows were judged.</param>
/// <param name="Dropped">How many rows were dropped, by reason (only reasons that occurred).</param>
/// <param name="Examples">Up to <see cref="OrderCleaning.ExamplesPerReason"/> dropped rows per reason, in file order.</param>
public sealed record CleaningOutcome(
    IReadOnlyList<Order> Orders,
    int RowsIn,
    IReadOnlyDictionary<DropReason, int> Dropped,
    IReadOnlyList<DroppedRow> Examples)
{
    /// <summary>How many rows were dropped in all.</summary>
    public int RowsDropped => RowsIn - Orders.Count;
}

/// <summary>A dropped row, for logs: its line in the file, its order id as written, and why.</summary>
public sealed record DroppedRow(int Line, string? OrderId, DropReason Reason);

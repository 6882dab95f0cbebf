using System.CommandLine;

namespace Assets.Hosting.CommandLine;

/// <summary><c>--partition P</c> or <c>--from A --to B</c> (inclusive), shared by plan, materialize and status.</summary>
internal sealed class PartitionRangeOptions
{
    public Option<string?> Partition { get; } = CommandOptions.Text("--partition", "One partition key (for example 2026-01-05, or eu); it must be a partition of a selected asset.", aliases: "-p");

    public Option<string?> From { get; } = CommandOptions.Text(
        "--from", "Start of a time range: a partition key, or a date (yyyy-MM-dd, in each asset's zone) or instant; picks the partitions inside the range.");

    public Option<string?> To { get; } = CommandOptions.Text(
        "--to", "End of a time range (inclusive): a partition key, or a date (to the end of that day) or instant.");

    public void AddTo(Command command)
    {
        command.Options.Add(Partition);
        command.Options.Add(From);
        command.Options.Add(To);
        command.Validators.Add(result =>
        {
            if (CommandOptions.IsGiven(result, Partition) && (CommandOptions.IsGiven(result, From) || CommandOptions.IsGiven(result, To)))
            {
                result.AddError("Give either --partition or --from/--to, not both.");
            }
        });
    }

    public (string? Partition, string? From, string? To) Read(ParseResult parseResult)
        => (parseResult.GetValue(Partition), parseResult.GetValue(From), parseResult.GetValue(To));
}

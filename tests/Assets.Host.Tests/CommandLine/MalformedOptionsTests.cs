using System.CommandLine;
using System.CommandLine.Help;
using Assets.Hosting;
using Assets.Hosting.CommandLine;
using Assets.Host.Tests.CommandLine.Projects;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Assets.Host.Tests.CommandLine;

/// <summary>
/// Every option of every command, given malformed values: each is a usage error (exit 2) in words, never an unhandled
/// exception or a stack trace. The sweep reads the commands from the program itself, so a new option is swept too.
/// </summary>
public sealed class MalformedOptionsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "assets-malformed-" + Guid.NewGuid().ToString("N"));

    /// <summary>Values that are wrong for an option whatever it means, by the type of its value.</summary>
    private static readonly string[] MalformedWholeNumbers = ["abc", "99999999999", "0", "-1", "1.5", ""];

    private static readonly string[] MalformedText = ["", " "];

    /// <summary>Values wrong for one option in particular, besides those of its type.</summary>
    private static readonly Dictionary<string, string[]> MalformedFor = new()
    {
        ["--format"] = ["png"],
        ["--reprocess"] = ["sometimes"],
        ["--order"] = ["sideways"],
        ["--older-than"] = ["soon", "-3d"],
        ["--as-of"] = ["yesterday"],
        ["--urls"] = ["nope", "ftp://127.0.0.1:21"],
        ["--select"] = ["a,,b", "raw orders"],
        ["--partitions"] = [",,"],
        ["--root"] = ["s3://"],
    };

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (path, option) in Options(Commands()))
        {
            var values = option.ValueType == typeof(bool) ? ["maybe"]
                : option.ValueType == typeof(int) || option.ValueType == typeof(int?) ? MalformedWholeNumbers
                : option.ValueType == typeof(string) ? MalformedText
                : throw new InvalidOperationException($"{path} {option.Name} takes {option.ValueType}: add its malformed values to this test.");
            foreach (var value in values.Concat(MalformedFor.GetValueOrDefault(option.Name) ?? []))
            {
                data.Add(path, option.Name, value);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task MalformedValue_IsAUsageErrorNamingTheOption_WithoutAStackTrace(string command, string option, string value)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] args = [.. command.Split(' '), .. Required(command, option), option, value, "--root", option == "--root" ? value : _root];
        if (option == "--root")
        {
            args = [.. command.Split(' '), .. Required(command, option), "--root", value];
        }

        var exitCode = await AssetsApplication.RunAsync(
            args, b => b.Services.AddAssets(a => a.FromTypes(typeof(ShopAssets))), Terminal.ForWriters(output, error), CancellationToken.None);

        var said = error.ToString();
        Assert.True(exitCode == ExitCodes.Usage, $"{string.Join(' ', args)} exited {exitCode}:\n{said}{output}");
        Assert.DoesNotContain("Unhandled exception", said, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", said, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", said, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter '", said, StringComparison.Ordinal);
    }

    [Fact]
    public void Sweep_CoversEveryCommandWithOptions()
    {
        var swept = Cases().Select(c => (string)c[0]).ToHashSet();

        Assert.Superset(
            new HashSet<string> { "list", "lineage", "plan", "materialize", "backfill start", "backfill list", "backfill status", "freshness", "observe", "status", "verify", "rollback", "gc", "serve" },
            swept);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static RootCommand Commands()
        => AssetsApplication.CreateCommands(new CommandHost(_ => { }, Terminal.ForWriters(TextWriter.Null, TextWriter.Null), new GlobalOptions()));

    /// <summary>Each command that runs, with every option it takes (its own and the global ones).</summary>
    private static IEnumerable<(string Path, Option Option)> Options(Command command, string prefix = "")
    {
        foreach (var sub in command.Subcommands)
        {
            var path = prefix.Length == 0 ? sub.Name : prefix + " " + sub.Name;
            if (sub.Action is not null)
            {
                foreach (var option in sub.Options.Concat(command is RootCommand ? command.Options.Where(o => o.Recursive) : []).Where(o => o is not (HelpOption or VersionOption)))
                {
                    yield return (path, option);
                }
            }

            foreach (var nested in Options(sub, path))
            {
                yield return nested;
            }
        }
    }

    /// <summary>Valid values of what <paramref name="command"/> requires, so only the option under test is wrong.</summary>
    private static string[] Required(string command, string option)
    {
        var required = new List<string>();
        var commandObject = Find(Commands(), command.Split(' '));
        if (commandObject.Arguments.Count > 0)
        {
            required.Add("abcd1234");
        }

        if (option != "--select" && commandObject.Options.Any(o => o.Name == "--select" && o.Required))
        {
            required.AddRange(["--select", "raw_orders"]);
        }

        return [.. required];
    }

    private static Command Find(Command command, IEnumerable<string> names)
        => names.Aggregate(command, (current, name) => current.Subcommands.Single(c => c.Name == name));
}

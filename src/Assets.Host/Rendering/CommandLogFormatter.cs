using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Assets.Hosting.Rendering;

/// <summary>
/// How the commands and the daemon write log lines: one line each, <c>warn: message</c>. An exception logged with a
/// message adds only its own message (when the log message does not already say it); its type, the logger's category
/// and the stack trace come with <c>--verbose</c>, never at the default verbosity.
/// </summary>
internal sealed class CommandLogFormatter(IOptionsMonitor<CommandLogFormatterOptions> options) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "assets";

    /// <summary>Uses this format for <paramref name="logging"/>'s console, on stderr, with the traces only when <paramref name="verbose"/>.</summary>
    public static void Use(ILoggingBuilder logging, bool verbose)
    {
        logging.AddConsole(o =>
        {
            o.FormatterName = FormatterName;
            o.LogToStandardErrorThreshold = LogLevel.Trace;
        });
        logging.AddConsoleFormatter<CommandLogFormatter, CommandLogFormatterOptions>(o => o.Verbose = verbose);
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception) ?? string.Empty;
        var exception = logEntry.Exception;
        if (message.Length == 0 && exception is null)
        {
            return;
        }

        var verbose = options.CurrentValue.Verbose;
        textWriter.Write(Level(logEntry.LogLevel));
        textWriter.Write(": ");
        if (verbose)
        {
            textWriter.Write($"{logEntry.Category}[{logEntry.EventId.Id}] ");
        }

        textWriter.Write(message.ReplaceLineEndings(" "));
        if (exception is not null && verbose)
        {
            textWriter.WriteLine();
            textWriter.Write(exception.ToString());
        }
        else if (exception is not null && !message.Contains(exception.Message, StringComparison.Ordinal))
        {
            textWriter.Write(message.Length > 0 ? ": " : string.Empty);
            textWriter.Write(exception.Message.ReplaceLineEndings(" "));
        }

        textWriter.WriteLine();
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => level.ToString(),
    };
}

/// <summary>Options of <see cref="CommandLogFormatter"/>.</summary>
internal sealed class CommandLogFormatterOptions : ConsoleFormatterOptions
{
    /// <summary>Whether log lines carry their category and exceptions their stack trace (<c>--verbose</c>). Default: false.</summary>
    public bool Verbose { get; set; }
}

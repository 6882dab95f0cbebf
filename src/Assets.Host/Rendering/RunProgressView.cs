using System.Globalization;
using Assets.Execution;
using Assets.Hosting.CommandLine;
using Spectre.Console;

namespace Assets.Hosting.Rendering;

/// <summary>
/// Live progress of a run or backfill: done, failed, remaining, rate and ETA. On an interactive terminal a Spectre
/// progress bar redrawn in place; otherwise (pipes, CI logs, tests) one line per finished step with the same counts,
/// so a log shows how far a run got. Thread-safe: the executor reports from several threads.
/// </summary>
internal sealed class RunProgressView : IAsyncDisposable
{
    private readonly Terminal _terminal;
    private readonly string _title;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task? _live;
    private readonly IDisposable? _logsAbove;
    private ProgressTask? _bar;
    private int _total;
    private int _done;
    private int _failed;
    private int _skipped;
    private int _finishedThisRun;
    private readonly int _barWidth;
    private readonly int _descriptionWidth;

    /// <summary>The percentage (" 100%") and remaining-time ("00:00:44") columns with the spaces between the four columns.</summary>
    private const int FixedColumnsWidth = 5 + 8 + 4;

    private RunProgressView(Terminal terminal, string title, int total, int alreadyDone, int alreadyFailed, int alreadySkipped, TimeProvider time)
    {
        _terminal = terminal;
        _title = title;
        _total = total;
        _done = alreadyDone;
        _failed = alreadyFailed;
        _skipped = alreadySkipped;
        _time = time;
        _started = time.GetTimestamp();
        if (terminal.Live)
        {
            // Every column within the terminal's width: the description is cut to what is left beside the bar, so the bar
            // never collapses and the time column never wraps. Log lines are written above the view meanwhile.
            _barWidth = Math.Clamp(terminal.Console.Profile.Width / 5, 10, 40);
            _descriptionWidth = Math.Max(10, terminal.Console.Profile.Width - _barWidth - FixedColumnsWidth);
            _logsAbove = terminal.Logs.BeginLiveView();
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _live = terminal.Console.Progress()
                .AutoClear(false)
                .Columns(
                    new TaskDescriptionColumn { Alignment = Justify.Left },
                    new ProgressBarColumn { Width = _barWidth },
                    new PercentageColumn(),
                    new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    lock (_gate)
                    {
                        _bar = context.AddTask(BarDescription(), maxValue: Math.Max(1, _total));
                        _bar.Value = _done + _failed + _skipped;
                    }

                    ready.TrySetResult();
                    await _stop.Task.ConfigureAwait(false);
                    lock (_gate)
                    {
                        _bar.Description = BarDescription();
                        _bar.StopTask();
                    }
                });
            ready.Task.Wait(TimeSpan.FromSeconds(5));
        }
    }

    /// <summary>Starts showing progress of <paramref name="total"/> steps, some of which may already be counted (a resumed backfill).</summary>
    public static RunProgressView Start(Terminal terminal, string title, int total, int alreadyDone = 0, int alreadyFailed = 0, int alreadySkipped = 0, TimeProvider? time = null)
        => new(terminal, title, total, alreadyDone, alreadyFailed, alreadySkipped, time ?? TimeProvider.System);

    /// <summary>Counts a finished step and shows it.</summary>
    public void Finished(StepResult result)
        => Finished(result.Outcome, result.Partition.ToString(), result.Duration.ToTimeSpan(), result.Cause);

    /// <summary>Counts a finished step (<paramref name="partition"/> as <c>asset[key]</c>) and shows it.</summary>
    public void Finished(StepOutcome outcome, string partition, TimeSpan duration, string? cause)
    {
        string line;
        lock (_gate)
        {
            _finishedThisRun++;
            switch (outcome)
            {
                case StepOutcome.Published:
                    _done++;
                    break;
                case StepOutcome.Failed or StepOutcome.Quarantined or StepOutcome.Waiting:
                    _failed++;
                    break;
                default:
                    _skipped++;
                    break;
            }

            if (_bar is { } bar)
            {
                bar.Value = _done + _failed + _skipped;
                bar.Description = BarDescription();
                return;
            }

            var because = cause is { } c ? "  " + c : string.Empty;
            line = string.Create(
                CultureInfo.InvariantCulture,
                $"[{_done + _failed + _skipped}/{_total}] {outcome.ToString().ToLowerInvariant(),-11} {partition} ({duration.TotalSeconds:0.0}s) · {Rate()}{because}");
        }

        _terminal.Out.WriteLine(line);
    }

    /// <summary>Shows a line about a step that has not finished (one waiting for another run): above the bar, or as a line.</summary>
    public void Note(string line)
    {
        lock (_gate)
        {
            if (_bar is not null)
            {
                _terminal.Console.MarkupLine(Markup.Escape(line));
                return;
            }
        }

        _terminal.Out.WriteLine(line);
    }

    /// <summary>
    /// Sets the counts (a backfill followed by polling its record: the steps are not seen one by one) and shows them when
    /// they changed: the bar, or one line with the counts.
    /// </summary>
    public void Counted(int done, int failed, int skipped)
    {
        string line;
        lock (_gate)
        {
            var before = _done + _failed + _skipped;
            if ((done, failed, skipped) == (_done, _failed, _skipped))
            {
                return;
            }

            _finishedThisRun += Math.Max(0, done + failed + skipped - before);
            (_done, _failed, _skipped) = (done, failed, skipped);
            if (_bar is { } bar)
            {
                bar.Value = _done + _failed + _skipped;
                bar.Description = BarDescription();
                return;
            }

            line = string.Create(CultureInfo.InvariantCulture, $"[{_done + _failed + _skipped}/{_total}] {Describe()}");
        }

        _terminal.Out.WriteLine(line);
    }

    /// <summary>The counts, rate and ETA in one line: what the summary at the end says.</summary>
    public string Describe()
    {
        lock (_gate)
        {
            var remaining = Math.Max(0, _total - _done - _failed - _skipped);
            return string.Create(CultureInfo.InvariantCulture, $"{_title}: {_done} done, {_failed} failed, {_skipped} skipped, {remaining} remaining · {Rate()}");
        }
    }

    /// <summary>Stops the live display (leaving its last state on screen).</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.TrySetResult();
        if (_live is { } live)
        {
            await live.ConfigureAwait(false);
        }

        _logsAbove?.Dispose();
    }

    /// <summary>
    /// The bar's text, at most <see cref="_descriptionWidth"/> characters: the counts first (what a glance needs), then the
    /// title as far as it fits; the rate and ETA are left to the bar's own columns.
    /// </summary>
    private string BarDescription()
    {
        var remaining = Math.Max(0, _total - _done - _failed - _skipped);
        var counts = string.Create(CultureInfo.InvariantCulture, $"{_done} done, {_failed} failed, {_skipped} skipped, {remaining} left");
        var text = _title + ": " + counts;
        if (text.Length > _descriptionWidth)
        {
            var room = _descriptionWidth - counts.Length - 3;
            text = room >= 4 ? _title[..Math.Min(_title.Length, room)] + "…: " + counts : counts;
        }

        if (text.Length > _descriptionWidth)
        {
            text = text[..(_descriptionWidth - 1)] + "…";
        }

        return Markup.Escape(text);
    }

    private string Rate()
    {
        var elapsed = _time.GetElapsedTime(_started).TotalSeconds;
        var remaining = Math.Max(0, _total - _done - _failed - _skipped);
        if (_finishedThisRun == 0 || elapsed <= 0)
        {
            return "rate -, ETA -";
        }

        var rate = _finishedThisRun / elapsed;
        var eta = TimeSpan.FromSeconds(remaining / rate);
        return string.Create(CultureInfo.InvariantCulture, $"{rate:0.0} steps/s, ETA {(eta.TotalHours >= 1 ? eta.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : eta.ToString(@"m\:ss", CultureInfo.InvariantCulture))}");
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using NodaTime;

namespace Assets.Partitions;

/// <summary>
/// Partitions that are consecutive windows of time in one time zone, numbered from 0 at
/// <see cref="Start"/>.
/// <para>
/// A partition is the half-open interval [start, end) of instants, cut in <see cref="Zone"/>:
/// </para>
/// <list type="bullet">
/// <item><description><b>Daily</b>: date <c>d</c> covers [<c>Zone.AtStartOfDay(d)</c>, <c>Zone.AtStartOfDay(d + 1)</c>),
/// so a day with a daylight saving change lasts 23 or 25 hours, and a zone whose change happens at
/// midnight starts that day at 01:00.</description></item>
/// <item><description><b>Weekly</b> and <b>monthly</b>: calendar weeks (starting on <see cref="FirstDayOfWeek"/>)
/// and calendar months, from the start of their first day to the start of the next one's.</description></item>
/// <item><description><b>Hourly</b>: consecutive hours of elapsed time from <see cref="Start"/>, so a
/// spring-forward day has 23 hourly partitions and a fall-back day 25.</description></item>
/// </list>
/// <para>
/// Keys: daily, weekly and monthly <c>yyyy-MM-dd</c> (the window's first local date); hourly
/// <c>yyyy-MM-dd-HH:mm</c> (its local start). On a fall-back day the repeated local hour happens twice;
/// both of its partitions carry their UTC offset (<c>2026-10-25-02:00+02:00</c>, then
/// <c>2026-10-25-02:00+01:00</c>), every other hour is plain.
/// </para>
/// <para>
/// The range runs from <see cref="Start"/> to <see cref="End"/> (the start of the last partition,
/// inclusive) or without end. Partition <c>i</c> exists at an instant when <c>i</c> is less than the
/// index of the window containing that instant plus <see cref="EndOffset"/>: by default a partition
/// exists once it has ended; an end offset of 1 also makes the current one exist. Index arithmetic is
/// O(1) for every cadence.
/// </para>
/// <para>Immutable; equal when cadence, start, end, zone id, end offset and first day of the week are equal.</para>
/// </summary>
public sealed partial class TimeWindowPartitionsDefinition : PartitionsDefinition
{
    private const long TicksPerHour = NodaConstants.TicksPerHour;

    private readonly LocalDate _startDate;
    private readonly Instant _firstInstant;
    private readonly int? _lastIndex;

    /// <summary>
    /// Creates a definition; throws <see cref="DefinitionException"/> saying what to change when the start or
    /// end is not the start of a partition of this cadence, or the end is before the start.
    /// </summary>
    /// <param name="cadence">How long a partition is.</param>
    /// <param name="start">The local start of the first partition: midnight for daily, weekly and monthly
    /// (on <paramref name="firstDayOfWeek"/> for weekly, on the 1st for monthly), on the hour for hourly. An
    /// hourly start in a repeated hour means its first occurrence.</param>
    /// <param name="zone">The time zone the windows are cut in.</param>
    /// <param name="end">The local start of the last partition (inclusive), or <c>null</c> for no end. An
    /// hourly end in a repeated hour means its second occurrence.</param>
    /// <param name="endOffset">How many partitions past the last ended one exist (may be negative).</param>
    /// <param name="firstDayOfWeek">The day weekly partitions start on; ignored by other cadences.</param>
    public TimeWindowPartitionsDefinition(
        TimeCadence cadence,
        LocalDateTime start,
        DateTimeZone zone,
        LocalDateTime? end = null,
        int endOffset = 0,
        IsoDayOfWeek firstDayOfWeek = IsoDayOfWeek.Monday)
    {
        Preconditions.CheckArgument(Enum.IsDefined(cadence), $"Unknown cadence {cadence}.");
        Preconditions.CheckNotNull(zone);
        Preconditions.CheckArgument(start.Calendar == CalendarSystem.Iso && (end is null || end.Value.Calendar == CalendarSystem.Iso), "Partition dates must use the ISO calendar.");
        if (cadence == TimeCadence.Weekly && firstDayOfWeek is < IsoDayOfWeek.Monday or > IsoDayOfWeek.Sunday)
        {
            throw new DefinitionException($"{firstDayOfWeek} is not a day of the week: set FirstDayOfWeek to Monday through Sunday.");
        }

        Cadence = cadence;
        Zone = zone;
        EndOffset = endOffset;
        FirstDayOfWeek = cadence == TimeCadence.Weekly ? firstDayOfWeek : IsoDayOfWeek.Monday;
        CheckAligned(start, "start");
        Start = start;
        _startDate = start.Date;
        if (cadence == TimeCadence.Hourly)
        {
            var mapping = zone.MapLocal(start);
            if (mapping.Count == 0)
            {
                throw new DefinitionException(
                    $"The start {PartitionKeyFormat.FormatHour(start)} does not exist in {zone.Id}: clocks skip that hour for daylight saving time; "
                    + $"start at {PartitionKeyFormat.FormatHour(start.PlusHours(1))} instead.");
            }

            _firstInstant = mapping.First().ToInstant();
        }
        else
        {
            _firstInstant = zone.AtStartOfDay(_startDate).ToInstant();
        }

        if (end is { } last)
        {
            CheckAligned(last, "end");
            var lastStart = InstantOfLocalStart(last, "end");
            if (lastStart < _firstInstant)
            {
                throw new DefinitionException(
                    $"The end {FormatLocal(last)} is before the start {FormatLocal(start)}: the end is the start of the last partition, "
                    + "so it must be on or after the start; swap them or remove the end.");
            }

            var lastIndex = RawIndexContaining(lastStart);
            if (cadence == TimeCadence.Hourly && RawStart(lastIndex) != lastStart)
            {
                throw new DefinitionException(
                    $"The end {FormatLocal(last)} is not the start of an hourly partition that begins at {FormatLocal(start)} in {zone.Id}; use a whole number of hours after the start.");
            }

            _lastIndex = checked((int)lastIndex);
            End = last;
        }
    }

    /// <summary>How long a partition is.</summary>
    public TimeCadence Cadence { get; }

    /// <summary>The local start of the first partition.</summary>
    public LocalDateTime Start { get; }

    /// <summary>The local start of the last partition (inclusive), or <c>null</c> when the partitions never end.</summary>
    public LocalDateTime? End { get; }

    /// <summary>The time zone the windows are cut in.</summary>
    public DateTimeZone Zone { get; }

    /// <summary>How many partitions past the last ended one exist (Dagster's <c>end_offset</c>); may be negative.</summary>
    public int EndOffset { get; }

    /// <summary>The day weekly partitions start on (Monday for other cadences).</summary>
    public IsoDayOfWeek FirstDayOfWeek { get; }

    /// <summary>The index of the last partition (from <see cref="End"/>), or <c>null</c> when the partitions never end.</summary>
    public int? LastIndex => _lastIndex;

    /// <inheritdoc />
    public override string Kind => Cadence switch
    {
        TimeCadence.Hourly => "hourly",
        TimeCadence.Daily => "daily",
        TimeCadence.Weekly => "weekly",
        _ => "monthly",
    };

    /// <summary>A daily definition starting on <paramref name="start"/>, optionally ending with the day <paramref name="end"/>.</summary>
    public static TimeWindowPartitionsDefinition Daily(LocalDate start, DateTimeZone zone, LocalDate? end = null, int endOffset = 0)
        => new(TimeCadence.Daily, start.AtMidnight(), zone, end?.AtMidnight(), endOffset);

    /// <summary>A weekly definition starting on <paramref name="start"/> (which must be a <paramref name="firstDayOfWeek"/>).</summary>
    public static TimeWindowPartitionsDefinition Weekly(LocalDate start, DateTimeZone zone, LocalDate? end = null, int endOffset = 0, IsoDayOfWeek firstDayOfWeek = IsoDayOfWeek.Monday)
        => new(TimeCadence.Weekly, start.AtMidnight(), zone, end?.AtMidnight(), endOffset, firstDayOfWeek);

    /// <summary>A monthly definition starting on <paramref name="start"/> (which must be the 1st of a month).</summary>
    public static TimeWindowPartitionsDefinition Monthly(LocalDate start, DateTimeZone zone, LocalDate? end = null, int endOffset = 0)
        => new(TimeCadence.Monthly, start.AtMidnight(), zone, end?.AtMidnight(), endOffset);

    /// <summary>An hourly definition starting at <paramref name="start"/>, optionally ending with the hour starting at <paramref name="end"/>.</summary>
    public static TimeWindowPartitionsDefinition Hourly(LocalDateTime start, DateTimeZone zone, LocalDateTime? end = null, int endOffset = 0)
        => new(TimeCadence.Hourly, start, zone, end, endOffset);

    /// <summary>The key of partition <paramref name="index"/>; throws <see cref="ArgumentOutOfRangeException"/> outside the range.</summary>
    public PartitionKey KeyAt(int index)
    {
        CheckIndex(index);
        return new PartitionKey(RawKeyText(index));
    }

    /// <summary>The index of <paramref name="key"/>; throws <see cref="PartitionKeyException"/> when it is not a key of this definition.</summary>
    public int IndexOf(PartitionKey key)
        => TryLocate(key.Value, out var index, out var errorMessage) ? index : throw new PartitionKeyException(errorMessage);

    /// <summary>The index of <paramref name="key"/>, or <c>false</c> when it is not a key of this definition (canonical or not).</summary>
    public bool TryGetIndex(PartitionKey key, out int index) => TryLocate(key.Value, out index, out _);

    /// <summary>The time window of <paramref name="key"/>; throws <see cref="PartitionKeyException"/> when it is not a key of this definition.</summary>
    public PartitionTimeWindow GetWindow(PartitionKey key) => WindowAt(IndexOf(key));

    /// <summary>The time window of partition <paramref name="index"/>; throws <see cref="ArgumentOutOfRangeException"/> outside the range.</summary>
    public PartitionTimeWindow WindowAt(int index)
    {
        CheckIndex(index);
        return new PartitionTimeWindow(
            new PartitionKey(RawKeyText(index)),
            RawStart(index).InZone(Zone),
            RawStart(index + 1L).InZone(Zone));
    }

    /// <summary>
    /// The number of partitions that exist at <paramref name="asOf"/>: those that have ended, plus
    /// <see cref="EndOffset"/>, at most up to <see cref="End"/>, never negative. They are indexes 0 to count - 1.
    /// </summary>
    public int CountAsOf(Instant asOf)
    {
        var count = RawIndexContaining(asOf) + EndOffset;
        if (_lastIndex is { } last)
        {
            count = Math.Min(count, last + 1L);
        }

        return (int)Math.Clamp(count, 0, int.MaxValue);
    }

    /// <summary>
    /// The index of the partition whose window contains <paramref name="instant"/>, or <c>null</c> when it is
    /// before the start or after the end (whether or not that partition exists yet).
    /// </summary>
    public int? IndexOfWindowContaining(Instant instant)
    {
        var index = RawIndexContaining(instant);
        return index < 0 || index > (_lastIndex ?? (long)int.MaxValue) ? null : (int)index;
    }

    /// <inheritdoc />
    public override IReadOnlyList<PartitionKey> GetKeys(Instant asOf) => new IndexedKeyList(CountAsOf(asOf), KeyAt);

    /// <inheritdoc />
    public override string Describe()
    {
        var text = $"{Kind} from {RawKeyText(0)}";
        if (_lastIndex is { } last)
        {
            text += $" to {RawKeyText(last)}";
        }

        text += $" ({Zone.Id})";
        if (Cadence == TimeCadence.Weekly && FirstDayOfWeek != IsoDayOfWeek.Monday)
        {
            text += $", weeks start on {FirstDayOfWeek}";
        }

        if (EndOffset != 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", end offset {EndOffset}");
        }

        return text;
    }

    /// <inheritdoc />
    public override string DescribeKeyForm()
    {
        var form = Cadence switch
        {
            TimeCadence.Hourly => "yyyy-MM-dd-HH:00",
            TimeCadence.Daily => PartitionKeyFormat.DateForm,
            TimeCadence.Weekly => $"yyyy-MM-dd of a {FirstDayOfWeek}",
            _ => "yyyy-MM-01",
        };
        var range = _lastIndex is { } last ? $"between {RawKeyText(0)} and {RawKeyText(last)}" : $"from {RawKeyText(0)} on";
        return $"{form} {range} ({Zone.Id})";
    }

    /// <inheritdoc />
    public override bool TryParseKey(string? text, out PartitionKey key, [NotNullWhen(false)] out string? errorMessage)
    {
        if (TryLocate(text, out var index, out errorMessage))
        {
            key = new PartitionKey(RawKeyText(index));
            return true;
        }

        key = default;
        return false;
    }

    /// <inheritdoc />
    public override bool Equals(PartitionsDefinition? other)
        => other is TimeWindowPartitionsDefinition that
            && Cadence == that.Cadence
            && Start == that.Start
            && End == that.End
            && string.Equals(Zone.Id, that.Zone.Id, StringComparison.Ordinal)
            && EndOffset == that.EndOffset
            && FirstDayOfWeek == that.FirstDayOfWeek;

    /// <inheritdoc />
    public override int GetHashCode()
        => HashCode.Combine(Cadence, Start, End, StringComparer.Ordinal.GetHashCode(Zone.Id), EndOffset, FirstDayOfWeek);

    /// <summary>
    /// Whether both definitions cut time into the same windows (same cadence, zone and first day of the
    /// week, and for hourly starts a whole number of hours apart), so a window of one is a window of the other.
    /// </summary>
    internal bool HasSameWindowsAs(TimeWindowPartitionsDefinition other)
        => Cadence == other.Cadence
            && string.Equals(Zone.Id, other.Zone.Id, StringComparison.Ordinal)
            && FirstDayOfWeek == other.FirstDayOfWeek
            && (Cadence != TimeCadence.Hourly || (other._firstInstant - _firstInstant).BclCompatibleTicks % TicksPerHour == 0);

    /// <summary>Whether <paramref name="index"/> is inside the range (not necessarily existing yet).</summary>
    internal bool IsInRange(long index) => index >= 0 && index <= (_lastIndex ?? (long)int.MaxValue);

    /// <summary>The first instant of window <paramref name="index"/>, for any index, inside the range or not.</summary>
    internal Instant RawStart(long index) => Cadence switch
    {
        TimeCadence.Hourly => _firstInstant.PlusTicks(checked(index * TicksPerHour)),
        _ => Zone.AtStartOfDay(RawStartDate(index)).ToInstant(),
    };

    /// <summary>The index of the window containing <paramref name="instant"/>, for any instant (negative before the start).</summary>
    internal long RawIndexContaining(Instant instant)
    {
        if (Cadence == TimeCadence.Hourly)
        {
            return FloorDiv(FloorTicks(instant - _firstInstant), TicksPerHour);
        }

        var date = instant.InZone(Zone).Date;
        return Cadence switch
        {
            TimeCadence.Daily => Period.DaysBetween(_startDate, date),
            TimeCadence.Weekly => FloorDiv(Period.DaysBetween(_startDate, date), 7),
            _ => ((date.Year - (long)_startDate.Year) * 12) + date.Month - _startDate.Month,
        };
    }

    /// <summary>The key text of window <paramref name="index"/>, for any index, inside the range or not.</summary>
    internal string RawKeyText(long index)
    {
        if (Cadence != TimeCadence.Hourly)
        {
            return PartitionKeyFormat.FormatDate(RawStartDate(index));
        }

        var start = RawStart(index).InZone(Zone);
        return Zone.MapLocal(start.LocalDateTime).Count == 2
            ? PartitionKeyFormat.FormatHour(start.LocalDateTime, start.Offset)
            : PartitionKeyFormat.FormatHour(start.LocalDateTime);
    }

    private LocalDate RawStartDate(long index) => Cadence switch
    {
        TimeCadence.Daily => _startDate.PlusDays(checked((int)index)),
        TimeCadence.Weekly => _startDate.PlusDays(checked((int)(index * 7))),
        TimeCadence.Monthly => _startDate.PlusMonths(checked((int)index)),
        _ => RawStart(index).InZone(Zone).Date,
    };

    private Instant InstantOfLocalStart(LocalDateTime local, string which)
    {
        if (Cadence != TimeCadence.Hourly)
        {
            return Zone.AtStartOfDay(local.Date).ToInstant();
        }

        var mapping = Zone.MapLocal(local);
        return mapping.Count == 0
            ? throw new DefinitionException($"The {which} {PartitionKeyFormat.FormatHour(local)} does not exist in {Zone.Id}: clocks skip that hour for daylight saving time.")
            : mapping.Last().ToInstant();
    }

    private void CheckAligned(LocalDateTime local, string which)
    {
        if (local.Year < 1)
        {
            throw new DefinitionException($"The {which} {local:uuuu-MM-dd} is out of range: use a year from 0001.");
        }

        if (Cadence == TimeCadence.Hourly)
        {
            if (local.Minute != 0 || local.Second != 0 || local.NanosecondOfSecond != 0)
            {
                throw new DefinitionException(
                    $"Hourly partitions start on the hour, but the {which} is {local:uuuu-MM-dd HH:mm:ss}: use {PartitionKeyFormat.FormatHour(local.Date.At(new LocalTime(local.Hour, 0)))}.");
            }

            return;
        }

        var date = local.Date;
        if (local.TimeOfDay != LocalTime.Midnight)
        {
            throw new DefinitionException($"{Kind} partitions start at midnight, but the {which} is {local:uuuu-MM-dd HH:mm}: use {PartitionKeyFormat.FormatDate(date)}.");
        }

        if (Cadence == TimeCadence.Weekly && date.DayOfWeek != FirstDayOfWeek)
        {
            var previous = date.Previous(FirstDayOfWeek);
            throw new DefinitionException(
                $"Weekly partitions start on a {FirstDayOfWeek}, but the {which} {PartitionKeyFormat.FormatDate(date)} is a {date.DayOfWeek}: "
                + $"use {PartitionKeyFormat.FormatDate(previous)} or {PartitionKeyFormat.FormatDate(previous.PlusWeeks(1))}, or set FirstDayOfWeek = {date.DayOfWeek}.");
        }

        if (Cadence == TimeCadence.Monthly && date.Day != 1)
        {
            var first = date.With(DateAdjusters.StartOfMonth);
            throw new DefinitionException(
                $"Monthly partitions start on the 1st of a month, but the {which} is {PartitionKeyFormat.FormatDate(date)}: "
                + $"use {PartitionKeyFormat.FormatDate(first)} or {PartitionKeyFormat.FormatDate(first.PlusMonths(1))}.");
        }
    }

    private string FormatLocal(LocalDateTime local)
        => Cadence == TimeCadence.Hourly ? PartitionKeyFormat.FormatHour(local) : PartitionKeyFormat.FormatDate(local.Date);

    private void CheckIndex(int index)
    {
        if (!IsInRange(index))
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"There is no partition {index} in {Describe()}.");
        }
    }

    /// <summary>Whole ticks of <paramref name="duration"/>, rounded down (BclCompatibleTicks rounds towards zero).</summary>
    private static long FloorTicks(Duration duration)
    {
        var ticks = duration.BclCompatibleTicks;
        return Duration.FromTicks(ticks) > duration ? ticks - 1 : ticks;
    }

    private static long FloorDiv(long value, long divisor)
    {
        var quotient = value / divisor;
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient;
    }
}

using Assets.Backfills;
using Assets.Execution;
using Assets.Metadata;
using Assets.Planning;
using NodaTime;
using static Assets.EndToEnd.Tests.Backfills.BackfillHarness;

namespace Assets.EndToEnd.Tests.Backfills;

public sealed class BackfillRunnerTests : IAsyncLifetime
{
    private BackfillHarness _h = null!;

    public async Task InitializeAsync() => _h = await BackfillHarness.CreateAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static BackfillRequest Days(string selection, int from, int to, PlanMode reprocess = PlanMode.MissingOrStale, int concurrency = 2)
        => new() { Selection = selection, Range = PartitionRange.Between($"2026-01-{from:D2}", $"2026-01-{to:D2}"), Reprocess = reprocess, MaxConcurrency = concurrency };

    private List<string> TakeStarted()
    {
        var started = new List<string>();
        while (_h.Probe.Started.TryDequeue(out var name))
        {
            started.Add(name);
        }

        return started;
    }

    [Fact]
    public async Task Start_Range_PublishesEveryStepOnceAndCompletes_ThenRunningAgainDoesNothing()
    {
        var (backfill, run) = await _h.StartAsync(Days("*", 1, 10));

        Assert.Equal(BackfillStatus.Completed, backfill.Status);
        Assert.Equal(new BackfillCounts(31, 31, 0, 0, 0), backfill.Counts);
        Assert.Equal(31, run!.Published);
        Assert.Equal(1, await _h.PublishCountAsync(Day("daily_totals", 7)));
        Assert.Equal(1, await _h.PublishCountAsync(Whole("meter_summary")));
        Assert.Equal(BackfillStatus.Completed, (await _h.Runner.GetAsync(backfill.Id))!.Status);
        TakeStarted();

        var (again, secondRun) = await _h.Runner.RunAsync(backfill.Id);

        Assert.Equal(BackfillStatus.Completed, again.Status);
        Assert.Null(secondRun);
        Assert.Empty(TakeStarted());
    }

    [Fact]
    public async Task FailedPartition_DoesNotStopTheOthers_SkipsExactlyItsDownstream_AndResumeRetriesJustThose()
    {
        _h.Probe.On("meter_readings", (context, _) => context.Partition!.Value.Value == "2026-01-05"
            ? throw new NonRetryableException("the meter export for 2026-01-05 is corrupt")
            : Task.CompletedTask);

        var (backfill, _) = await _h.StartAsync(Days("*", 1, 10));

        Assert.Equal(BackfillStatus.Failed, backfill.Status);
        Assert.Equal(new BackfillCounts(31, 27, 1, 3, 0), backfill.Counts);
        var steps = await _h.Runner.GetStepsAsync(backfill.Id);
        var notPublished = steps.Where(s => s.State != BackfillStepState.Published).ToDictionary(s => s.Partition.ToString(), s => (s.State, s.Error));
        Assert.Equal(
            new Dictionary<string, (BackfillStepState, string?)>
            {
                ["meter_readings[2026-01-05]"] = (BackfillStepState.Failed, "the meter export for 2026-01-05 is corrupt"),
                ["checked_readings[2026-01-05]"] = (BackfillStepState.Skipped, "upstream meter_readings[2026-01-05] failed"),
                ["daily_totals[2026-01-05]"] = (BackfillStepState.Skipped, "upstream meter_readings[2026-01-05] failed"),
                ["meter_summary"] = (BackfillStepState.Skipped, "upstream meter_readings[2026-01-05] failed"),
            },
            notPublished);
        _h.Probe.Scripts.Clear();
        TakeStarted();

        var (resumed, run) = await _h.Runner.RunAsync(backfill.Id);

        Assert.Equal(BackfillStatus.Completed, resumed.Status);
        Assert.Equal(
            ["checked_readings[2026-01-05]", "daily_totals[2026-01-05]", "meter_readings[2026-01-05]", "meter_summary"],
            TakeStarted().Order(StringComparer.Ordinal));
        Assert.Equal(4, run!.Published);
        Assert.Equal(1, await _h.PublishCountAsync(Day("meter_readings", 4)));
    }

    [Theory]
    [InlineData(PlanMode.Missing, new[] { 4 })]
    [InlineData(PlanMode.FailedAndMissing, new[] { 3, 4 })]
    [InlineData(PlanMode.MissingOrStale, new[] { 2, 3, 4 })]
    [InlineData(PlanMode.Force, new[] { 1, 2, 3, 4, 5, 6 })]
    public async Task ReprocessModes_OnARangeOfPublishedStaleFailedAndMissingPartitions_RunExactlyTheirPartitions(PlanMode mode, int[] days)
    {
        // checked_readings over days 1-6: 1, 5, 6 published; 2 stale (its upstream changed); 3 failed; 4 missing.
        await _h.MaterializeAsync(Enumerable.Range(1, 6).Select(d => Day("meter_readings", d)).ToArray());
        _h.Probe.On("checked_readings", (context, _) => context.Partition!.Value.Value == "2026-01-03" ? throw new NonRetryableException("bad day") : Task.CompletedTask);
        await _h.MaterializeAsync(Day("checked_readings", 1), Day("checked_readings", 2), Day("checked_readings", 3), Day("checked_readings", 5), Day("checked_readings", 6));
        _h.Probe.Scripts.Clear();
        _h.Probe.Values["2026-01-02"] = 5;
        await _h.MaterializeAsync(Day("meter_readings", 2));
        Assert.Equal(
            [PartitionStatus.Published, PartitionStatus.Published, PartitionStatus.Failed, null, PartitionStatus.Published, PartitionStatus.Published],
            await Task.WhenAll(Enumerable.Range(1, 6).Select(d => _h.StatusAsync(Day("checked_readings", d)))));
        TakeStarted();

        var (backfill, _) = await _h.StartAsync(Days("checked_readings", 1, 6, mode));

        Assert.Equal(BackfillStatus.Completed, backfill.Status);
        Assert.Equal(days.Select(d => $"checked_readings[2026-01-{d:D2}]"), TakeStarted().Order(StringComparer.Ordinal));
        Assert.Equal(days.Length, backfill.Counts.Steps);
    }

    [Theory]
    [InlineData(BackfillOrder.NewestFirst, new[] { 5, 4, 3, 2, 1 })]
    [InlineData(BackfillOrder.OldestFirst, new[] { 1, 2, 3, 4, 5 })]
    public async Task Order_OneAtATime_StartsPartitionsInThatOrder(BackfillOrder order, int[] days)
    {
        var (backfill, _) = await _h.StartAsync(Days("meter_readings", 1, 5, concurrency: 1) with { Order = order });

        Assert.Equal(BackfillStatus.Completed, backfill.Status);
        Assert.Equal(days.Select(d => $"meter_readings[2026-01-{d:D2}]"), TakeStarted());
    }

    [Fact]
    public async Task ConcurrencyLimit_IsNeverExceeded_AndIsReached()
    {
        _h.Probe.On("meter_readings", (_, ct) => Task.Delay(40, ct));

        var (backfill, _) = await _h.StartAsync(Days("meter_readings", 1, 10, concurrency: 3));

        Assert.Equal(BackfillStatus.Completed, backfill.Status);
        Assert.Equal(3, _h.Probe.MaxRunning);
    }

    [Fact]
    public async Task SelectiveBackfill_OfThreeNamedDates_RunsExactlyThoseDates()
    {
        var request = new BackfillRequest { Selection = "meter_readings, checked_readings", Range = PartitionRange.ForPartitions(["2026-01-09", "2026-01-03", "2026-01-07"]), MaxConcurrency = 1 };

        var (backfill, _) = await _h.StartAsync(request);

        Assert.Equal(BackfillStatus.Completed, backfill.Status);
        Assert.Equal(
            ["meter_readings[2026-01-09]", "checked_readings[2026-01-09]", "meter_readings[2026-01-07]", "checked_readings[2026-01-07]", "meter_readings[2026-01-03]", "checked_readings[2026-01-03]"],
            TakeStarted());
        Assert.Null(await _h.StatusAsync(Day("meter_readings", 4)));
    }

    [Fact]
    public async Task Cancel_WhileStepsRun_StopsWithoutPartialPublishes_KeepsTheRecord_AndResumeFinishesEachPartitionOnce()
    {
        using var cancellation = new CancellationTokenSource();
        var started = 0;
        _h.Probe.On("meter_readings", async (context, ct) =>
        {
            if (Interlocked.Increment(ref started) == 2)
            {
                await cancellation.CancelAsync();
            }

            await Task.Delay(Timeout.Infinite, ct);
        });
        var backfill = await _h.CreateAsync(Days("meter_readings", 1, 6));

        var (cancelled, run) = await _h.Runner.RunAsync(backfill.Id, null, cancellation.Token);

        Assert.Equal(BackfillStatus.Cancelled, cancelled.Status);
        Assert.Equal(RunOutcome.Cancelled, run!.Outcome);
        Assert.Equal(0, cancelled.Counts.Published);
        Assert.All(await Task.WhenAll(Enumerable.Range(1, 6).Select(d => _h.PublishCountAsync(Day("meter_readings", d)))), count => Assert.Equal(0, count));
        Assert.Empty(_h.Store.Snapshot());
        Assert.Equal(BackfillStatus.Cancelled, (await _h.Runner.GetAsync(backfill.Id))!.Status);
        _h.Probe.Scripts.Clear();

        var (resumed, _) = await _h.Runner.RunAsync(backfill.Id);

        Assert.Equal(BackfillStatus.Completed, resumed.Status);
        Assert.All(await Task.WhenAll(Enumerable.Range(1, 6).Select(d => _h.PublishCountAsync(Day("meter_readings", d)))), count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task CancelAsync_OfABackfillNotRunning_RecordsCancelled_AndOfACompletedOneIsRefused()
    {
        var waiting = await _h.CreateAsync(Days("meter_readings", 1, 2));

        var cancelled = await _h.Runner.CancelAsync(waiting.Id);

        Assert.Equal(BackfillStatus.Cancelled, cancelled.Status);
        Assert.Equal(BackfillStatus.Cancelled, (await _h.Metadata.GetBackfillAsync(waiting.Id))!.Status);
        var (completed, _) = await _h.StartAsync(Days("meter_readings", 3, 3));
        var error = await Assert.ThrowsAsync<BackfillStateException>(() => _h.Runner.CancelAsync(completed.Id));
        Assert.Contains("already completed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARunningBackfillWhoseProcessIsGone_ReadsAsInterrupted_AndResumes()
    {
        var backfill = await _h.CreateAsync(Days("meter_readings", 1, 3));
        var gone = new BackfillOwner(int.MaxValue - 7, Instant.FromUtc(2026, 1, 1, 0, 0));
        await _h.Metadata.SetBackfillStatusAsync(backfill.Id, BackfillStatus.Running, gone, null, SystemClock.Instance.GetCurrentInstant());

        var seen = await _h.Runner.GetAsync(backfill.Id);

        Assert.Equal(BackfillStatus.Interrupted, seen!.Status);
        Assert.Contains("ended before the backfill did", seen.Message, StringComparison.Ordinal);
        Assert.Equal([BackfillStatus.Interrupted], (await _h.Runner.ListAsync()).Select(b => b.Status));
        Assert.Equal(BackfillStatus.Completed, (await _h.Runner.RunAsync(backfill.Id)).Backfill.Status);
    }

    [Fact]
    public async Task Resume_APartitionPublishedSinceTheBackfillWasRequested_IsNotRedone()
    {
        // As when a process dies after a pointer lands and before the step is recorded: the partition is published.
        var backfill = await _h.CreateAsync(Days("meter_readings", 1, 3));
        await _h.MaterializeAsync(Day("meter_readings", 2));
        TakeStarted();

        var (resumed, _) = await _h.Runner.RunAsync(backfill.Id);

        Assert.Equal(BackfillStatus.Completed, resumed.Status);
        Assert.Equal(["meter_readings[2026-01-01]", "meter_readings[2026-01-03]"], TakeStarted().Order(StringComparer.Ordinal));
        Assert.Equal(1, await _h.PublishCountAsync(Day("meter_readings", 2)));
    }

    [Fact]
    public async Task SingleRunRanges_CallTheBodyOncePerChunkWithItsRange_AndPublishEveryPartitionOnItsOwn()
    {
        await _h.MaterializeAsync(Enumerable.Range(1, 10).SelectMany(d => new[] { Day("meter_readings", d), Day("checked_readings", d) }).ToArray());
        _h.Probe.Values["2026-01-05"] = 40;
        await _h.MaterializeAsync(Day("meter_readings", 5), Day("checked_readings", 5));
        TakeStarted();
        _h.Probe.Ranges.Clear();

        var (backfill, run) = await _h.StartAsync(Days("daily_totals", 1, 10, concurrency: 2) with { MaxPartitionsPerRun = 3, Order = BackfillOrder.OldestFirst });

        Assert.Equal(BackfillStatus.Completed, backfill.Status);
        Assert.Equal(
            ["daily_totals[2026-01-01..2026-01-03]", "daily_totals[2026-01-04..2026-01-06]", "daily_totals[2026-01-07..2026-01-09]", "daily_totals[2026-01-10]"],
            TakeStarted());
        var ranges = _h.Probe.Ranges.ToArray();
        Assert.Equal(["2026-01-04", "2026-01-05", "2026-01-06"], ranges[1]!.Keys.Select(k => k.Value));
        var berlin = NodaTime.DateTimeZoneProviders.Tzdb["Europe/Berlin"];
        Assert.Equal(
            new Interval(new LocalDate(2026, 1, 4).AtStartOfDayInZone(berlin).ToInstant(), new LocalDate(2026, 1, 7).AtStartOfDayInZone(berlin).ToInstant()),
            ranges[1]!.Interval);
        Assert.Equal(10, run!.Published);
        var reader = new Assets.Storage.Publishing.PartitionReader(_h.Store);
        for (var day = 1; day <= 10; day++)
        {
            Assert.Equal(1, await _h.PublishCountAsync(Day("daily_totals", day)));
            var rows = await reader.ReadAsync<Fixtures.DayTotal>(Day("daily_totals", day)).ToListAsync();
            Assert.Equal([new Fixtures.DayTotal(new DateOnly(2026, 1, day), day == 5 ? 42 : 3)], rows);
        }
    }

    [Fact]
    public async Task SingleRunRanges_AFailingBody_FailsEveryPartitionOfTheRunAndPublishesNone()
    {
        await _h.MaterializeAsync(Enumerable.Range(1, 4).SelectMany(d => new[] { Day("meter_readings", d), Day("checked_readings", d) }).ToArray());
        _h.Probe.On("daily_totals", (context, _) => context.KeyRange!.Keys.Count > 1 ? throw new NonRetryableException("simulated bug") : Task.CompletedTask);
        TakeStarted();

        var (backfill, _) = await _h.StartAsync(Days("daily_totals", 1, 4) with { MaxPartitionsPerRun = 4 });

        Assert.Equal(BackfillStatus.Failed, backfill.Status);
        Assert.Equal(new BackfillCounts(4, 0, 4, 0, 0), backfill.Counts);
        Assert.Equal(["daily_totals[2026-01-01..2026-01-04]"], TakeStarted());
        Assert.All(await Task.WhenAll(Enumerable.Range(1, 4).Select(d => _h.PublishCountAsync(Day("daily_totals", d)))), count => Assert.Equal(0, count));
    }

    [Fact]
    public async Task Resume_OfAnUnknownBackfill_SaysHowToFindOne()
    {
        var error = await Assert.ThrowsAsync<BackfillStateException>(() => _h.Runner.RunAsync(BackfillId.New()));

        Assert.Contains("backfill list", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SharedSlots_CurrentWorkRunsBesideABackfillThatFillsItsShare()
    {
        _h.Slots = new StepSlots(2);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _h.Probe.On("meter_readings", async (context, ct) =>
        {
            if (context.Partition!.Value.Value != "2026-01-10")
            {
                await gate.Task.WaitAsync(ct);
            }
        });
        var backfill = _h.StartAsync(Days("meter_readings", 1, 6, concurrency: 2));
        await WaitUntilAsync(() => !_h.Probe.Started.IsEmpty);

        // The backfill holds the one slot it may take and waits for more; the current run still gets its slot at once.
        var current = await _h.MaterializeAsync(Day("meter_readings", 10)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, current.Published);
        var startedWhileGated = TakeStarted();
        Assert.Equal(2, startedWhileGated.Count);
        Assert.Contains("meter_readings[2026-01-10]", startedWhileGated);
        gate.SetResult();
        Assert.Equal(BackfillStatus.Completed, (await backfill).Backfill.Status);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 300 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "timed out waiting");
    }
}

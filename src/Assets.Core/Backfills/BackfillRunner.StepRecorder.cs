using System.Threading.Channels;
using Assets.Execution;
using Assets.Graph;
using NodaTime;

namespace Assets.Backfills;

public sealed partial class BackfillRunner
{
    /// <summary>
    /// Records step changes as the executor reports them, in order, off the executor's thread: a single writer drains
    /// a queue in batches, so a slow store write never holds a step up.
    /// </summary>
    private sealed class StepRecorder : IProgress<StepUpdate>
    {
        private readonly BackfillId _id;
        private readonly IBackfillStore _store;
        private readonly IClock _clock;
        private readonly Dictionary<AssetPartition, BackfillStepState> _states;
        private readonly IProgress<BackfillProgress>? _progress;
        private readonly Channel<BackfillStepUpdate> _queue = Channel.CreateUnbounded<BackfillStepUpdate>(new UnboundedChannelOptions { SingleReader = true });
        private readonly Lock _gate = new();
        private readonly Task _writer;
        private int[]? _tally;

        public StepRecorder(BackfillId id, IBackfillStore store, IClock clock, Dictionary<AssetPartition, BackfillStepState> states, IProgress<BackfillProgress>? progress)
        {
            _id = id;
            _store = store;
            _clock = clock;
            _states = states;
            _progress = progress;
            _writer = Task.Run(WriteAsync);
        }

        public void Report(StepUpdate value)
        {
            var state = value.Phase switch
            {
                StepPhase.Finished => value.Result!.Outcome switch
                {
                    StepOutcome.Published => BackfillStepState.Published,
                    StepOutcome.Failed => BackfillStepState.Failed,
                    StepOutcome.Quarantined => BackfillStepState.Quarantined,
                    StepOutcome.Waiting => BackfillStepState.Waiting,
                    StepOutcome.Skipped => BackfillStepState.Skipped,
                    _ => BackfillStepState.Cancelled,
                },
                _ => BackfillStepState.Running,
            };
            var error = value.Phase == StepPhase.Finished ? value.Result!.Cause : null;
            BackfillCounts counts;
            lock (_gate)
            {
                // A running tally, not a recount: a backfill may have hundreds of thousands of steps.
                _tally ??= TallyOf(_states.Values);
                if (_states.TryGetValue(value.Partition, out var previous))
                {
                    _tally[(int)previous]--;
                }

                _states[value.Partition] = state;
                _tally[(int)state]++;
                counts = BackfillCounts.OfTally(_tally);
            }

            _queue.Writer.TryWrite(new BackfillStepUpdate(value.Partition, state, value.Attempt, error, _clock.GetCurrentInstant()));
            BackfillMetrics.Report(_id, counts);
            _progress?.Report(new BackfillProgress(_id, counts, value));
        }

        private static int[] TallyOf(IEnumerable<BackfillStepState> states)
        {
            var tally = new int[Enum.GetValues<BackfillStepState>().Length];
            foreach (var state in states)
            {
                tally[(int)state]++;
            }

            return tally;
        }

        public async Task CompleteAsync()
        {
            _queue.Writer.TryComplete();
            await _writer.ConfigureAwait(false);
        }

        private async Task WriteAsync()
        {
            var batch = new List<BackfillStepUpdate>();
            while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (_queue.Reader.TryRead(out var update))
                {
                    batch.Add(update);
                }

                await _store.UpdateBackfillStepsAsync(_id, batch, CancellationToken.None).ConfigureAwait(false);
                batch.Clear();
            }
        }
    }
}

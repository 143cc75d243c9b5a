using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;

namespace MetaLlm.WebApi.Tests.Support;

/// <summary>Keeps every finished activity the host's tracer provider sees.</summary>
/// <remarks>
/// A server's request span ends after the response has been sent, so a client can have its answer before the span is
/// here: <see cref="WaitForAsync"/> waits for it instead of racing it.
/// </remarks>
public sealed class CollectingActivityProcessor : BaseProcessor<Activity>
{
    private readonly ConcurrentQueue<Activity> _activities = new();
    private readonly object _gate = new();
    private readonly List<(Func<Activity, bool> Match, TaskCompletionSource Done)> _waiters = [];

    public IReadOnlyCollection<Activity> Activities => _activities;

    public override void OnEnd(Activity data)
    {
        _activities.Enqueue(data);
        lock (_gate)
        {
            foreach (var waiter in _waiters.Where(w => w.Match(data)).ToList())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Completes when an activity matching <paramref name="match"/> has ended, or fails after <paramref name="timeout"/>.</summary>
    public Task WaitForAsync(Func<Activity, bool> match, TimeSpan timeout)
    {
        lock (_gate)
        {
            if (_activities.Any(match))
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, done));
            return done.Task.WaitAsync(timeout);
        }
    }
}

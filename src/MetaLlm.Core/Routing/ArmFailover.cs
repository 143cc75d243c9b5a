using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace MetaLlm;

/// <summary>
/// Runs a routed request's attempts: the chosen arm first; when it fails in a way worth retrying, the next-best
/// eligible arm by the policy's estimates, up to <see cref="MetaLlmRouterOptions.MaxAttempts"/>, within the attempt
/// timeout and the request's deadline. A stream fails over only before its first update reached the caller, so output
/// is never duplicated or mixed from two arms. The caller's cancellation is never a failure and never fails over.
/// Each attempt is a client span, a child of the request's span.
/// </summary>
internal sealed class ArmFailover
{
    private readonly IReadOnlyList<RouterArm> _arms;
    private readonly ArmSelector _selector;
    private readonly DecisionReporter _reporter;
    private readonly ArmHealthTracker _health;
    private readonly RouterTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly int _maxAttempts;
    private readonly TimeSpan? _attemptTimeout;
    private readonly TimeSpan? _requestTimeout;

    public ArmFailover(IReadOnlyList<RouterArm> arms, ArmSelector selector, DecisionReporter reporter, ArmHealthTracker health, RouterTelemetry telemetry, TimeProvider time, MetaLlmRouterOptions options)
    {
        _arms = arms;
        _selector = selector;
        _reporter = reporter;
        _health = health;
        _telemetry = telemetry;
        _time = time;
        _maxAttempts = options.MaxAttempts;
        _attemptTimeout = options.AttemptTimeout;
        _requestTimeout = options.RequestTimeout;
    }

    /// <summary>Answers a request, failing over as needed; <paramref name="span"/>, the request's span, ends with it.</summary>
    public async Task<ChatResponse> GetResponseAsync(
        ArmSelection selection, PendingDecision decision, Activity? span, IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        var attempts = new List<ArmAttempt>(1);
        var tried = new bool[_arms.Count];
        int arm = selection.ArmIndex;
        while (true)
        {
            arm = Acquire(selection, decision, span, arm, tried, attempts);
            using var timeout = AttemptTimeout(deadline?.Token ?? cancellationToken);
            var token = timeout?.Token ?? deadline?.Token ?? cancellationToken;
            long started = _time.GetTimestamp();
            var attempt = _telemetry.StartAttempt(arm, streaming: false);
            try
            {
                var response = await ArmCall.GetResponseAsync(_arms[arm], messages, options, token).ConfigureAwait(false);
                _health.OnSuccess(arm);
                attempts.Add(new ArmAttempt(_arms[arm].Name, ArmAttemptOutcome.Succeeded, _time.GetElapsedTime(started)));
                RouterTelemetry.AttemptSucceeded(attempt, response.Usage, response.ModelId, response.ResponseId);
                _reporter.Complete(decision, response, attempts, span);
                return response;
            }
            catch (Exception ex)
            {
                arm = Failed(ex, selection, decision, span, attempt, arm, tried, attempts, started, timeout, deadline, cancellationToken);
            }
        }
    }

    /// <summary>Streams a request's answer, failing over before its first update; <paramref name="span"/>, the request's span, ends with the stream.</summary>
    public async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(
        ArmSelection selection, PendingDecision decision, Activity? span, IReadOnlyList<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        var attempts = new List<ArmAttempt>(1);
        var tried = new bool[_arms.Count];
        int arm = selection.ArmIndex;
        IAsyncEnumerator<ChatResponseUpdate> updates;
        bool hasFirst;
        long started;
        TimeoutScope? timeout;
        Activity? attempt;

        // Until an update has reached the caller, a failed arm can still be replaced by another.
        while (true)
        {
            arm = Acquire(selection, decision, span, arm, tried, attempts);
            timeout = AttemptTimeout(deadline?.Token ?? cancellationToken);
            var token = timeout?.Token ?? deadline?.Token ?? cancellationToken;
            started = _time.GetTimestamp();
            attempt = _telemetry.StartAttempt(arm, streaming: true);
            IAsyncEnumerator<ChatResponseUpdate>? opened = null;
            try
            {
                opened = ArmCall.OpenStream(_arms[arm], messages, options, token);
                hasFirst = await opened.MoveNextAsync().ConfigureAwait(false);

                // The attempt timeout bounds the wait for the first update; the deadline still bounds the whole stream.
                timeout?.Stop();
                updates = opened;
                break;
            }
            catch (Exception ex)
            {
                if (opened is not null)
                {
                    await DisposeQuietlyAsync(opened).ConfigureAwait(false);
                }

                try
                {
                    arm = Failed(ex, selection, decision, span, attempt, arm, tried, attempts, started, timeout, deadline, cancellationToken);
                }
                finally
                {
                    // Also when the request gives up: an undisposed timeout keeps its timer until it fires.
                    timeout?.Dispose();
                }
            }
        }

        UsageDetails? usage = null;
        string? responseModel = null;
        string? responseId = null;
        bool first = true;
        bool ended = false;
        try
        {
            await using (updates.ConfigureAwait(false))
            {
                while (hasFirst)
                {
                    var update = updates.Current;
                    _reporter.Annotate(decision, update, first, ref usage, first ? attempts : null);
                    first = false;
                    if (attempt is not null)
                    {
                        responseModel ??= update.ModelId;
                        responseId ??= update.ResponseId;
                    }

                    yield return update;
                    RouterTelemetry.Resume(attempt);
                    try
                    {
                        hasFirst = await updates.MoveNextAsync().ConfigureAwait(false);
                    }
                    catch (Exception ex)
                    {
                        // Output from this arm has reached the caller: no other arm may continue it.
                        ended = true;
                        var outcome = ArmFailureClassifier.Classify(ex, timedOut: false, cancellationToken);
                        if (outcome == ArmAttemptOutcome.FailedTransiently)
                        {
                            _health.OnTransientFailure(arm);
                        }
                        else
                        {
                            _health.Release(arm);
                        }

                        attempts.Add(new ArmAttempt(_arms[arm].Name, outcome, _time.GetElapsedTime(started), ArmFailureClassifier.ErrorKind(ex, false), ex.GetType().FullName));
                        _telemetry.AttemptFailed(attempt, arm, attempts[^1]);
                        _reporter.Fail(decision, ex, attempts, span, cancellationToken);
                        throw;
                    }
                }
            }

            ended = true;
            _health.OnSuccess(arm);
            attempts.Add(new ArmAttempt(_arms[arm].Name, ArmAttemptOutcome.Succeeded, _time.GetElapsedTime(started)));
            RouterTelemetry.AttemptSucceeded(attempt, usage, responseModel, responseId);
            _reporter.Finish(decision, attempts, span);
        }
        finally
        {
            timeout?.Dispose();
            if (!ended)
            {
                // The caller stopped reading: no verdict on the arm, and the usage may be partial.
                _health.Release(arm);
                RouterTelemetry.AttemptAbandoned(attempt);
                _reporter.Abandon(decision, attempts, span);
            }
        }
    }

    private static async ValueTask DisposeQuietlyAsync(IAsyncEnumerator<ChatResponseUpdate> updates)
    {
        try
        {
            await updates.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The attempt already failed; its disposal failing too changes nothing.
        }
    }

    // Takes the breaker's permission for the arm, moving on to the next-best arm when it is refused.
    private int Acquire(in ArmSelection selection, PendingDecision decision, Activity? span, int arm, bool[] tried, List<ArmAttempt> attempts)
    {
        while (!_health.TryAcquire(arm))
        {
            tried[arm] = true;
            int next = _selector.NextBest(selection, tried);
            if (next < 0)
            {
                if (attempts.Count > 0)
                {
                    throw Exhausted(decision, span, attempts, null);
                }

                var refused = new NoEligibleArmException(new Dictionary<string, string> { [_arms[arm].Name] = "was refused by its circuit breaker as the request started, and no other eligible arm is left" });
                _reporter.Fail(decision, refused, attempts, span, CancellationToken.None);
                throw refused;
            }

            arm = next;
        }

        if (arm != decision.Arm)
        {
            decision.Reassign(arm);
        }

        return arm;
    }

    // Records a failed attempt; returns the next arm to try, or throws when the request cannot go on.
    private int Failed(Exception ex, in ArmSelection selection, PendingDecision decision, Activity? span, Activity? attempt, int arm, bool[] tried, List<ArmAttempt> attempts, long started,
        TimeoutScope? timeout, TimeoutScope? deadline, CancellationToken cancellationToken)
    {
        bool timedOut = !cancellationToken.IsCancellationRequested && (timeout?.Expired == true || deadline?.Expired == true);
        var outcome = ArmFailureClassifier.Classify(ex, timedOut, cancellationToken);
        attempts.Add(new ArmAttempt(_arms[arm].Name, outcome, _time.GetElapsedTime(started), ArmFailureClassifier.ErrorKind(ex, timedOut), ex.GetType().FullName));
        _telemetry.AttemptFailed(attempt, arm, attempts[^1]);
        tried[arm] = true;
        if (outcome != ArmAttemptOutcome.FailedTransiently)
        {
            _health.Release(arm);
            _reporter.Fail(decision, ex, attempts, span, cancellationToken);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex).Throw();
        }

        _health.OnTransientFailure(arm);
        int next = attempts.Count < _maxAttempts && deadline?.Expired != true ? _selector.NextBest(selection, tried) : -1;
        if (next < 0)
        {
            throw Exhausted(decision, span, attempts, ex);
        }

        _reporter.FailedOver(decision, arm, next, attempts[^1], ex);
        return next;
    }

    private ArmAttemptsFailedException Exhausted(PendingDecision decision, Activity? span, List<ArmAttempt> attempts, Exception? last)
    {
        var exception = new ArmAttemptsFailedException(decision.Id, attempts.ToArray(), last);
        _reporter.Fail(decision, exception, attempts, span, CancellationToken.None, attempts.Count > 0 ? attempts[^1] : null);
        return exception;
    }

    private TimeoutScope? Deadline(CancellationToken cancellationToken) => _requestTimeout is { } limit ? new TimeoutScope(limit, _time, cancellationToken) : null;

    private TimeoutScope? AttemptTimeout(CancellationToken outer) => _attemptTimeout is { } limit ? new TimeoutScope(limit, _time, outer) : null;

    /// <summary>A token cancelled by the outer token or after a delay on the router's clock, telling the two apart.</summary>
    private sealed class TimeoutScope : IDisposable
    {
        private readonly CancellationTokenSource _timer;
        private readonly CancellationTokenSource _linked;

        public TimeoutScope(TimeSpan delay, TimeProvider time, CancellationToken outer)
        {
            _timer = new CancellationTokenSource(delay, time);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(outer, _timer.Token);
        }

        public CancellationToken Token => _linked.Token;

        public bool Expired => _timer.IsCancellationRequested;

        public void Stop() => _timer.CancelAfter(Timeout.InfiniteTimeSpan);

        public void Dispose()
        {
            _linked.Dispose();
            _timer.Dispose();
        }
    }
}

namespace MetaLlm;

/// <summary>
/// Per arm: the circuit breaker (closed, open until a time, half-open with one trial) and the failure rate the router
/// weighs when deciding, decaying with time so one outage does not bury an arm for good. All on a <see cref="TimeProvider"/>.
/// </summary>
internal sealed class ArmHealthTracker
{
    private readonly ArmState[] _arms;
    private readonly CircuitBreakerOptions _breaker;
    private readonly double _halfLifeTicks;
    private readonly TimeProvider _time;

    public ArmHealthTracker(IReadOnlyList<RouterArm> arms, CircuitBreakerOptions breaker, TimeSpan failureHalfLife, TimeProvider time)
    {
        _arms = [.. arms.Select(a => new ArmState(a.Name))];
        _breaker = breaker;
        _halfLifeTicks = failureHalfLife.Ticks;
        _time = time;
    }

    /// <summary>Raised when a breaker changes state: the arm's index and its new state.</summary>
    public event Action<int, CircuitState>? StateChanged;

    /// <summary>Whether the arm may be tried now: closed, or open with its break over (the next attempt is its trial).</summary>
    public bool IsAvailable(int arm)
    {
        if (!_breaker.Enabled)
        {
            return true;
        }

        var state = _arms[arm];
        lock (state)
        {
            return state.State switch
            {
                CircuitState.Closed => true,
                CircuitState.Open => _time.GetUtcNow() >= state.OpenUntil,
                _ => !state.TrialInFlight,
            };
        }
    }

    /// <summary>Takes the right to attempt the arm now; an open breaker whose break is over lets exactly one trial through.</summary>
    public bool TryAcquire(int arm)
    {
        if (!_breaker.Enabled)
        {
            return true;
        }

        var state = _arms[arm];
        bool halfOpened = false;
        lock (state)
        {
            switch (state.State)
            {
                case CircuitState.Closed:
                    return true;
                case CircuitState.Open when _time.GetUtcNow() >= state.OpenUntil:
                    state.State = CircuitState.HalfOpen;
                    state.TrialInFlight = true;
                    halfOpened = true;
                    break;
                case CircuitState.HalfOpen when !state.TrialInFlight:
                    state.TrialInFlight = true;
                    return true;
                default:
                    return false;
            }
        }

        if (halfOpened)
        {
            StateChanged?.Invoke(arm, CircuitState.HalfOpen);
        }

        return true;
    }

    /// <summary>Gives back an acquired attempt that ended without a verdict on the arm (the caller cancelled, or the request was bad).</summary>
    public void Release(int arm)
    {
        var state = _arms[arm];
        lock (state)
        {
            state.TrialInFlight = false;
        }
    }

    public void OnSuccess(int arm)
    {
        var state = _arms[arm];
        bool closed = false;
        lock (state)
        {
            var now = _time.GetUtcNow();
            Decay(state, now);
            state.DecayedAttempts += 1;
            state.Attempts++;
            CountInWindow(state, now, failed: false);
            state.ConsecutiveFailures = 0;
            state.TrialInFlight = false;
            if (state.State != CircuitState.Closed)
            {
                state.State = CircuitState.Closed;
                closed = true;
            }
        }

        if (closed)
        {
            StateChanged?.Invoke(arm, CircuitState.Closed);
        }
    }

    public void OnTransientFailure(int arm)
    {
        var state = _arms[arm];
        bool opened = false;
        lock (state)
        {
            var now = _time.GetUtcNow();
            Decay(state, now);
            state.DecayedAttempts += 1;
            state.DecayedFailures += 1;
            state.Attempts++;
            state.Failures++;
            state.ConsecutiveFailures++;
            CountInWindow(state, now, failed: true);
            state.TrialInFlight = false;
            bool tripped = state.State == CircuitState.HalfOpen
                || state.ConsecutiveFailures >= _breaker.ConsecutiveFailures
                || (state.WindowAttempts >= _breaker.MinimumThroughput && state.WindowFailures >= _breaker.FailureRatio * state.WindowAttempts);
            if (_breaker.Enabled && tripped && state.State != CircuitState.Open)
            {
                state.State = CircuitState.Open;
                state.OpenUntil = now + _breaker.BreakDuration;
                state.WindowAttempts = state.WindowFailures = 0;
                opened = true;
            }
        }

        if (opened)
        {
            StateChanged?.Invoke(arm, CircuitState.Open);
        }
    }

    /// <summary>The recent failure rate: decayed failures over decayed attempts plus one (so one failure is not a certainty).</summary>
    public double FailureRate(int arm)
    {
        var state = _arms[arm];
        lock (state)
        {
            Decay(state, _time.GetUtcNow());
            return state.DecayedFailures / (state.DecayedAttempts + 1);
        }
    }

    public ArmHealth Health(int arm)
    {
        var state = _arms[arm];
        double rate = FailureRate(arm);
        lock (state)
        {
            var visible = state.State == CircuitState.Open && _time.GetUtcNow() >= state.OpenUntil ? CircuitState.HalfOpen : state.State;
            return new ArmHealth(state.Name, visible, visible == CircuitState.Open ? state.OpenUntil : null, state.ConsecutiveFailures, rate, state.Attempts, state.Failures);
        }
    }

    private void Decay(ArmState state, DateTimeOffset now)
    {
        if (state.DecayedAt == default)
        {
            state.DecayedAt = now;
            return;
        }

        double elapsed = (now - state.DecayedAt).Ticks;
        if (elapsed > 0 && _halfLifeTicks > 0)
        {
            double factor = Math.Pow(0.5, elapsed / _halfLifeTicks);
            state.DecayedAttempts *= factor;
            state.DecayedFailures *= factor;
            state.DecayedAt = now;
        }
    }

    private void CountInWindow(ArmState state, DateTimeOffset now, bool failed)
    {
        if (now - state.WindowStart >= _breaker.SamplingDuration)
        {
            state.WindowStart = now;
            state.WindowAttempts = 0;
            state.WindowFailures = 0;
        }

        state.WindowAttempts++;
        if (failed)
        {
            state.WindowFailures++;
        }
    }

    private sealed class ArmState(string name)
    {
        public string Name { get; } = name;

        public CircuitState State { get; set; }

        public DateTimeOffset OpenUntil { get; set; }

        public bool TrialInFlight { get; set; }

        public int ConsecutiveFailures { get; set; }

        public long Attempts { get; set; }

        public long Failures { get; set; }

        public double DecayedAttempts { get; set; }

        public double DecayedFailures { get; set; }

        public DateTimeOffset DecayedAt { get; set; }

        public DateTimeOffset WindowStart { get; set; }

        public int WindowAttempts { get; set; }

        public int WindowFailures { get; set; }
    }
}

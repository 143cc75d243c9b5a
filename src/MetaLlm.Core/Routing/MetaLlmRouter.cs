using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MetaLlm;

/// <summary>
/// An <see cref="IChatClient"/> that sends each request to one of several models (arms), chosen by a contextual
/// bandit policy that learns from feedback which model gives the best answer for the money.
/// </summary>
/// <remarks>
/// <para>
/// A request goes through three steps, each its own part: <em>select</em> (featurize the request, let the policy
/// choose an arm), <em>attempt</em> (call the arm with its own model id) and <em>report</em> (price the answer's
/// usage, write the decision into the response's <see cref="ChatResponse.AdditionalProperties"/>
/// (<see cref="MetaLlmPropertyNames"/>), keep the decision for feedback). When the quality of the answer is known,
/// <see cref="RecordFeedback(string, double, UsageDetails?)"/> turns it into the reward
/// <c>score − λ·normalizedCost</c> and the policy learns from it.
/// </para>
/// <para>The router is thread-safe. It does not own its arms' clients and does not dispose them.</para>
/// </remarks>
public sealed class MetaLlmRouter : IChatClient
{
    private readonly RouterArm[] _arms;
    private readonly MetaLlmRouterOptions _options;
    private readonly ArmSelector _selector;
    private readonly DecisionLedger _ledger;
    private readonly DecisionReporter _reporter;
    private readonly FeedbackLearner _feedback;
    private readonly WarmStartFitter _warmStart;
    private readonly ChatClientMetadata _metadata = new("metallm");
    private readonly RewardFunction _reward;
    private readonly ArmHealthTracker _health;
    private readonly ArmFailover _failover;
    private readonly RouterTelemetry _telemetry;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly object _snapshotLock = new();
    private IReadOnlyDictionary<string, ArmStatistics> _setAside = new Dictionary<string, ArmStatistics>();
    private readonly bool _ownsPolicy;
    private readonly List<IDisposable> _disposeWith = [];
    private volatile bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="MetaLlmRouter"/> class.</summary>
    /// <param name="arms">The models to route among; at least one, with names unique regardless of case.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="policy">
    /// The policy, or <see langword="null"/> for the one <paramref name="options"/> describe. It must have one arm per
    /// entry of <paramref name="arms"/> and the featurizer's dimension.
    /// </param>
    /// <param name="featurizer">The featurizer, or <see langword="null"/> for a <see cref="HashingFeaturizer"/> of <see cref="MetaLlmRouterOptions.FeatureDimension"/>.</param>
    /// <param name="timeProvider">The clock that ages pending decisions, or <see langword="null"/> for the system clock.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/> for no logging.</param>
    /// <exception cref="ArgumentNullException"><paramref name="arms"/> or one of its entries is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">There are no arms, two arms share a name, the options are invalid, or the policy does not fit the arms or the featurizer.</exception>
    public MetaLlmRouter(
        IEnumerable<RouterArm> arms,
        MetaLlmRouterOptions? options = null,
        IRoutingPolicy? policy = null,
        IRequestFeaturizer? featurizer = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(arms);
        _arms = [.. arms];
        CheckArms(_arms);
        _options = options?.Clone() ?? new MetaLlmRouterOptions();
        var errors = _options.GetValidationErrors();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid router options: " + string.Join(" ", errors), nameof(options));
        }

        featurizer ??= new HashingFeaturizer(_options.FeatureDimension);
        if (policy is null)
        {
            policy = _options.CreatePolicy(_arms.Length, featurizer.Dimension);
            _ownsPolicy = true;
        }

        if (policy.ArmCount != _arms.Length)
        {
            throw new ArgumentException($"The policy chooses among {policy.ArmCount} arms, but the router has {_arms.Length}.", nameof(policy));
        }

        if (policy.Dimension != featurizer.Dimension)
        {
            throw new ArgumentException($"The featurizer '{featurizer.Name}' writes {featurizer.Dimension} features, but the policy '{policy.Name}' expects {policy.Dimension}.", nameof(featurizer));
        }

        Arms = Array.AsReadOnly(_arms);
        var logger = loggerFactory?.CreateLogger<MetaLlmRouter>() ?? (ILogger)NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger;
        _reward = new RewardFunction(_arms, _options.CostReferenceUsd, _options.CostWeight);
        var reward = _reward;
        var telemetry = new RouterTelemetry(_arms, policy.Name, _timeProvider);
        _telemetry = telemetry;
        _health = new ArmHealthTracker(_arms, _options.CircuitBreaker, _options.FailureHalfLife, _timeProvider);
        _health.StateChanged += (arm, state) =>
        {
            Log.BreakerChanged(logger, _arms[arm].Name, state);
            telemetry.BreakerChanged(arm, state);
        };
        if (_options.ShadowPolicy is { } shadow && (shadow.ArmCount != _arms.Length || shadow.Dimension != featurizer.Dimension))
        {
            throw new ArgumentException($"The shadow policy '{shadow.Name}' has {shadow.ArmCount} arms and {shadow.Dimension} features, but the router has {_arms.Length} arms and {featurizer.Dimension} features.", nameof(options));
        }

        if (ReferenceEquals(_options.ShadowPolicy, policy))
        {
            throw new ArgumentException("The shadow policy is the serving policy; a shadow must be another instance.", nameof(options));
        }

        _selector = new ArmSelector(featurizer, policy, _arms, reward, _health, _options.FailureWeight, _options.ShadowPolicy, logger);
        _ledger = new DecisionLedger(_options.MaxPendingDecisions, _options.PendingDecisionLifetime, _timeProvider);
        _reporter = new DecisionReporter(_arms, _ledger, telemetry, logger, _options.IncludeExceptionMessagesInLogs);
        _feedback = new FeedbackLearner(_arms, _ledger, policy, reward, telemetry, logger, _options.DecisionLog);
        _warmStart = new WarmStartFitter(_arms, _selector, reward, _timeProvider, logger);
        _failover = new ArmFailover(_arms, _selector, _reporter, _health, telemetry, _timeProvider, _options);
    }

    /// <summary>Gets the arms, in the order the policy numbers them.</summary>
    public IReadOnlyList<RouterArm> Arms { get; }

    /// <summary>Gets the policy that chooses arms.</summary>
    public IRoutingPolicy Policy => _selector.Policy;

    /// <summary>Gets the featurizer that turns requests into the policy's context vectors.</summary>
    public IRequestFeaturizer Featurizer => _selector.Featurizer;

    /// <summary>
    /// Gets or sets λ, the weight of normalised cost in the reward. A change applies from the next decision, without
    /// relearning: the score and the cost are learned apart and weighed when deciding.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, infinite or not a number.</exception>
    public double CostWeight
    {
        get => _reward.CostWeight;
        set
        {
            if (!(value >= 0) || double.IsInfinity(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"{nameof(CostWeight)} must be finite and not negative.");
            }

            _reward.CostWeight = value;
        }
    }

    /// <summary>Gets the number of decisions currently kept for feedback, including ones already learned from or whose arm failed.</summary>
    public int PendingDecisionCount => _ledger.Count;

    /// <summary>Gets each arm's health: its circuit breaker's state, its recent failure rate and its attempt counts, in arm order.</summary>
    /// <returns>One entry per arm.</returns>
    public IReadOnlyList<ArmHealth> GetArmHealth() => [.. Enumerable.Range(0, _arms.Length).Select(_health.Health)];

    /// <summary>Chooses an arm for a request without calling it.</summary>
    /// <param name="messages">The request's messages; at least one.</param>
    /// <param name="options">The request's options, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>
    /// The decision. Call <c>decision.Arm.Client</c> yourself, then report the outcome with
    /// <see cref="RecordFeedback(string, double, UsageDetails?)"/>, passing the answer's usage.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="messages"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The router is disposed.</exception>
    public async Task<RoutingDecision> RouteAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = Buffer(messages);
        var selection = await _selector.SelectAsync(request, options, cancellationToken).ConfigureAwait(false);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var decision = _reporter.Open(selection, answeredElsewhere: true);
        return new RoutingDecision(decision.Id, _arms[selection.ArmIndex], selection.ArmIndex, selection.Propensity, Policy.Name, selection.CostWeight, Arms, selection.Estimates, selection.IneligibleReasons, GetArmHealth())
        {
            ShadowArmIndex = selection.Shadow?.Arm,
            ShadowPropensity = selection.Shadow?.Propensity,
        };
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = Buffer(messages);
        var telemetry = _telemetry.StartRequest();
        var (selection, decision) = await DecideAsync(request, options, telemetry, cancellationToken).ConfigureAwait(false);
        return await _failover.GetResponseAsync(selection, decision, telemetry.Span, request, options, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = Buffer(messages);
        var telemetry = _telemetry.StartRequest();
        var (selection, decision) = await DecideAsync(request, options, telemetry, cancellationToken).ConfigureAwait(false);
        await foreach (var update in _failover.StreamAsync(selection, decision, telemetry.Span, request, options, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    /// <summary>
    /// Records how good the answer of a decision was and lets the policy learn from the reward
    /// <c>score − λ·normalizedCost</c>.
    /// </summary>
    /// <param name="decisionId">The decision's id, from the response (<see cref="MetaLlmResponseExtensions.GetDecisionId"/>) or from <see cref="RouteAsync"/>.</param>
    /// <param name="score">The quality of the answer, from 0 (wrong) to 1 (fully right).</param>
    /// <param name="usage">
    /// The tokens the answer used. Required for decisions from <see cref="RouteAsync"/>; for routed responses it
    /// replaces the usage the arm reported.
    /// </param>
    /// <returns>What was learned.</returns>
    /// <exception cref="ArgumentException"><paramref name="decisionId"/> is empty, unknown, or expired, or <paramref name="usage"/> reports no token count.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="score"/> is not a number in [0, 1], or the usage has negative or inconsistent counts.</exception>
    /// <exception cref="InvalidOperationException">
    /// The decision already has feedback, its answer is still under way (a stream not yet finished), its arm failed,
    /// its request was cancelled, or its cost is unknown.
    /// </exception>
    /// <exception cref="OverflowException">The cost of the usage at the arm's prices exceeds the range of <see cref="decimal"/>.</exception>
    /// <exception cref="ObjectDisposedException">The router is disposed.</exception>
    /// <remarks>Nothing is learned and the decision stays as it was when an exception is thrown.</remarks>
    public RecordedFeedback RecordFeedback(string decisionId, double score, UsageDetails? usage = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _feedback.Record(decisionId, score, usage);
    }

    /// <summary>
    /// Fits the policy on full-information examples, where every arm's score and cost are known (the MetaLLM paper's
    /// initialisation). It can be called before or between online learning; it adds to what was learned.
    /// </summary>
    /// <param name="examples">The examples; each must have an outcome for every arm.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The number of examples learned from and the ridge penalties chosen from them.</returns>
    /// <exception cref="ArgumentException">An example lacks an arm, names an unknown arm, has no messages, or has an invalid score or cost.</exception>
    /// <exception cref="ObjectDisposedException">The router is disposed.</exception>
    /// <remarks>
    /// <para>Every example is checked before anything is learned: on an exception the policy is unchanged.</para>
    /// <para>
    /// With a built-in policy, each arm's ridge penalty is chosen by exact leave-one-out cross-validation on these
    /// examples (<see cref="LinearPolicyOptions.PenaltySelection"/>; <see cref="WarmStartResult.PenaltySelection"/> says
    /// what was tried and chosen). The choice is kept in snapshots. It costs more than the fit itself (with 9 arms
    /// and 5,608 examples on 2 cores, about 0.12 s at 128 features and 0.65 s at 385, BENCHMARKS.md); larger warm starts
    /// are cross-validated on <see cref="LinearBanditPolicy.MaxPenaltySelectionExamples"/> of their examples.
    /// </para>
    /// </remarks>
    public Task<WarmStartResult> WarmStartAsync(IEnumerable<WarmStartExample> examples, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _warmStart.FitAsync(examples, cancellationToken);
    }

    /// <summary>
    /// Computes what an outcome of an arm is worth to this router (cost, normalised cost and reward), exactly as
    /// feedback and warm start compute it, without learning anything.
    /// </summary>
    /// <param name="armName">The arm's name.</param>
    /// <param name="outcome">The score and the usage (or dollar cost) of the answer.</param>
    /// <returns>The cost and reward.</returns>
    /// <exception cref="ArgumentException">No arm has that name, or the outcome is invalid.</exception>
    /// <exception cref="InvalidOperationException">The outcome gives only a dollar cost and <see cref="MetaLlmRouterOptions.CostReferenceUsd"/> is not set.</exception>
    public ArmReward EvaluateOutcome(string armName, ArmOutcome outcome)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(armName);
        var arm = Array.Find(_arms, a => string.Equals(a.Name, armName, StringComparison.Ordinal))
            ?? throw new ArgumentException($"The router has no arm named '{armName}'.", nameof(armName));
        return _warmStart.Evaluate(arm, outcome, "The outcome", nameof(outcome));
    }

    /// <summary>
    /// Takes a snapshot of everything the router has learned, arm by arm and by name, with the featurizer's identity;
    /// arms set aside by <see cref="RestoreSnapshot"/> (in the snapshot, no longer in the router) are kept in it.
    /// </summary>
    /// <returns>The snapshot, a plain value to save or merge.</returns>
    /// <exception cref="ObjectDisposedException">The router is disposed.</exception>
    public RouterSnapshot CreateSnapshot()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_snapshotLock)
        {
            var statistics = Policy.ExportStatistics();
            var arms = new Dictionary<string, ArmStatistics>(_setAside, StringComparer.Ordinal);
            for (int i = 0; i < _arms.Length; i++)
            {
                arms[_arms[i].Name] = statistics[i];
            }

            var now = _timeProvider.GetUtcNow();
            return new RouterSnapshot
            {
                TakenAt = now,
                StatisticsAsOf = now,
                FeaturizerName = Featurizer.Name,
                FeatureDimension = Featurizer.Dimension,
                FeaturizerFingerprint = Featurizer.Fingerprint,
                PolicyName = Policy.Name,
                PolicySettings = _ownsPolicy ? _options.SelectedPolicyOptions.Describe() : new Dictionary<string, double>(),
                CostWeight = CostWeight,
                DecisionCount = _reporter.DecisionCount,
                FeedbackCount = _feedback.FeedbackCount,
                Arms = arms,
            };
        }
    }

    /// <summary>
    /// Replaces everything the router has learned by a snapshot's statistics, matching arms by name: arms the snapshot
    /// lacks start fresh, arms only the snapshot has are set aside (and saved again with the next snapshot). All or
    /// nothing: on an exception the router is unchanged. The router's configuration (λ, the policy and its
    /// hyper-parameters) wins over the snapshot's.
    /// </summary>
    /// <param name="snapshot">The snapshot.</param>
    /// <exception cref="ArgumentException">
    /// The snapshot is invalid (a newer or unknown format, non-finite values, a matrix that is not positive definite),
    /// or it was learned on other features than this router's (another featurizer, dimension or setting).
    /// </exception>
    /// <exception cref="ObjectDisposedException">The router is disposed.</exception>
    public void RestoreSnapshot(RouterSnapshot snapshot)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(snapshot);
        var errors = snapshot.GetValidationErrors();
        if (errors.Count > 0)
        {
            throw new ArgumentException("The snapshot cannot be loaded: " + string.Join(" ", errors), nameof(snapshot));
        }

        if (snapshot.FeatureDimension != Featurizer.Dimension || !string.Equals(snapshot.FeaturizerFingerprint, Featurizer.Fingerprint, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"The snapshot was learned on the features of '{snapshot.FeaturizerName}' ({snapshot.FeatureDimension} features, settings '{snapshot.FeaturizerFingerprint}'), " +
                $"but this router uses '{Featurizer.Name}' ({Featurizer.Dimension} features, settings '{Featurizer.Fingerprint}'); statistics of other features mean nothing here. " +
                "To keep what it learned, configure the featurizer it was learned with (for the default hashing featurizer, set FeatureDimension to the snapshot's); to start afresh, remove the snapshot.",
                nameof(snapshot));
        }

        lock (_snapshotLock)
        {
            var statistics = new ArmStatistics[_arms.Length];
            var fresh = new List<string>();
            for (int i = 0; i < _arms.Length; i++)
            {
                if (snapshot.Arms.TryGetValue(_arms[i].Name, out var learned))
                {
                    statistics[i] = learned.Clone();
                }
                else
                {
                    statistics[i] = new ArmStatistics(Featurizer.Dimension);
                    fresh.Add(_arms[i].Name);
                }
            }

            Policy.ImportStatistics(statistics);
            var setAside = new Dictionary<string, ArmStatistics>(StringComparer.Ordinal);
            foreach (var (name, learned) in snapshot.Arms)
            {
                if (!Array.Exists(_arms, a => string.Equals(a.Name, name, StringComparison.Ordinal)))
                {
                    setAside[name] = learned.Clone();
                }
            }

            _setAside = setAside;
            _reporter.RestoreCount(snapshot.DecisionCount);
            _feedback.RestoreCount(snapshot.FeedbackCount);
            Log.SnapshotRestored(_logger, _arms.Length - fresh.Count, fresh.Count, setAside.Count);
            foreach (var name in fresh)
            {
                Log.ArmStartsFresh(_logger, name);
            }

            foreach (var name in setAside.Keys)
            {
                Log.ArmSetAside(_logger, name);
            }
        }
    }

    /// <summary>Saves a snapshot of everything the router has learned to a store (atomically, as the store promises).</summary>
    /// <param name="store">The store, for example a <see cref="FileRouterStateStore"/>.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The snapshot that was saved.</returns>
    /// <exception cref="ObjectDisposedException">The router is disposed.</exception>
    public async Task<RouterSnapshot> SaveStateAsync(IRouterStateStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var snapshot = CreateSnapshot();
        await store.SaveAsync(snapshot, cancellationToken).ConfigureAwait(false);
        return snapshot;
    }

    /// <summary>
    /// Loads the newest readable snapshot from a store and restores it (see <see cref="RestoreSnapshot"/>), so a new
    /// process goes on from what an earlier one learned.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> if a snapshot was restored; <see langword="false"/> if the store holds none yet.</returns>
    /// <exception cref="RouterSnapshotException">The store holds snapshots but none is readable.</exception>
    /// <exception cref="ArgumentException">The snapshot does not fit this router (see <see cref="RestoreSnapshot"/>); nothing changed.</exception>
    /// <exception cref="ObjectDisposedException">The router is disposed.</exception>
    public async Task<bool> LoadStateAsync(IRouterStateStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var snapshot = await store.LoadAsync(cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            return false;
        }

        RestoreSnapshot(snapshot);
        return true;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return _metadata;
        }

        if (serviceType.IsInstanceOfType(this))
        {
            return this;
        }

        return serviceType.IsInstanceOfType(Policy) ? Policy : null;
    }

    /// <summary>Stops the router from accepting requests and feedback. The arms' clients are not disposed.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        lock (_disposeWith)
        {
            foreach (var owned in _disposeWith)
            {
                owned.Dispose();
            }
        }

        if (_ownsPolicy && Policy is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    /// <summary>Disposes <paramref name="owned"/> with the router (for example a configuration change subscription).</summary>
    internal void DisposeWith(IDisposable? owned)
    {
        if (owned is not null)
        {
            lock (_disposeWith)
            {
                _disposeWith.Add(owned);
            }
        }
    }

    // Arm names are compared without regard to case: configuration keys are, and two arms that differ only by case
    // would be indistinguishable in logs and dashboards.
    private static void CheckArms(RouterArm[] arms)
    {
        if (arms.Length == 0)
        {
            throw new ArgumentException("The router needs at least one arm.", nameof(arms));
        }

        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var arm in arms)
        {
            if (arm is null)
            {
                throw new ArgumentNullException(nameof(arms), "The arms must not contain null.");
            }

            if (!names.TryAdd(arm.Name, arm.Name))
            {
                string other = names[arm.Name];
                throw new ArgumentException(
                    string.Equals(other, arm.Name, StringComparison.Ordinal)
                        ? $"Two arms are named '{arm.Name}'; arm names must be unique."
                        : $"The arms '{other}' and '{arm.Name}' differ only by case; arm names must be unique regardless of case.",
                    nameof(arms));
            }
        }
    }

    // Selects an arm and keeps the decision; a request that fails before it has an arm ends its telemetry here.
    private async ValueTask<(ArmSelection Selection, PendingDecision Decision)> DecideAsync(
        IReadOnlyList<ChatMessage> request, ChatOptions? options, RequestTelemetry telemetry, CancellationToken cancellationToken)
    {
        try
        {
            var selection = await _selector.SelectAsync(request, options, cancellationToken).ConfigureAwait(false);
            ObjectDisposedException.ThrowIf(_disposed, this);
            var decision = _reporter.Open(selection, answeredElsewhere: false);
            _telemetry.Decided(telemetry, selection, decision.Id);
            return (selection, decision);
        }
        catch (Exception ex)
        {
            RouterTelemetry.NotRouted(telemetry, ex);
            throw;
        }
    }

    private IReadOnlyList<ChatMessage> Buffer(IEnumerable<ChatMessage> messages)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(messages);

        // The featurizer and the arm both read the messages: a one-shot sequence must not reach the arm empty.
        return messages as IReadOnlyList<ChatMessage> ?? [.. messages];
    }
}

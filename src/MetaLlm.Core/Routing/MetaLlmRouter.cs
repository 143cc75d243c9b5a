using System.Runtime.CompilerServices;
using System.Security.Cryptography;
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
/// Each request is featurized, the policy chooses an arm, the arm answers, and the response carries the decision in
/// its <see cref="ChatResponse.AdditionalProperties"/> (<see cref="MetaLlmPropertyNames"/>). When the quality of the
/// answer is known, <see cref="RecordFeedback(string, double, UsageDetails?)"/> turns it into the reward
/// <c>score − λ·normalizedCost</c> and the policy learns from it.
/// </para>
/// <para>The router is thread-safe. It does not own its arms' clients and does not dispose them.</para>
/// </remarks>
public sealed class MetaLlmRouter : IChatClient
{
    private readonly RouterArm[] _arms;
    private readonly CostNormalizer _costNormalizer;
    private readonly PendingDecisionStore _pending;
    private readonly MetaLlmRouterOptions _options;
    private readonly ILogger _logger;
    private readonly string _idPrefix;
    private readonly ChatClientMetadata _metadata = new("metallm");
    private readonly bool _ownsPolicy;
    private long _sequence;
    private volatile bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="MetaLlmRouter"/> class.</summary>
    /// <param name="arms">The models to route among; at least one, with unique names.</param>
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
        if (_arms.Length == 0)
        {
            throw new ArgumentException("The router needs at least one arm.", nameof(arms));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var arm in _arms)
        {
            if (arm is null)
            {
                throw new ArgumentNullException(nameof(arms), "The arms must not contain null.");
            }

            if (!names.Add(arm.Name))
            {
                throw new ArgumentException($"Two arms are named '{arm.Name}'; arm names must be unique.", nameof(arms));
            }
        }

        _options = options?.Clone() ?? new MetaLlmRouterOptions();
        var errors = _options.GetValidationErrors();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid router options: " + string.Join(" ", errors), nameof(options));
        }

        Featurizer = featurizer ?? new HashingFeaturizer(_options.FeatureDimension);
        if (policy is null)
        {
            policy = _options.CreatePolicy(_arms.Length, Featurizer.Dimension);
            _ownsPolicy = true;
        }

        if (policy.ArmCount != _arms.Length)
        {
            throw new ArgumentException($"The policy chooses among {policy.ArmCount} arms, but the router has {_arms.Length}.", nameof(policy));
        }

        if (policy.Dimension != Featurizer.Dimension)
        {
            throw new ArgumentException($"The featurizer '{Featurizer.Name}' writes {Featurizer.Dimension} features, but the policy '{policy.Name}' expects {policy.Dimension}.", nameof(featurizer));
        }

        Policy = policy;
        Arms = Array.AsReadOnly(_arms);
        _costNormalizer = new CostNormalizer(_arms, _options.CostReferenceUsd);
        _pending = new PendingDecisionStore(_options.MaxPendingDecisions, _options.PendingDecisionLifetime, timeProvider ?? TimeProvider.System);
        _logger = loggerFactory?.CreateLogger<MetaLlmRouter>() ?? (ILogger)NullLogger.Instance;
        _idPrefix = Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant() + "-";
    }

    /// <summary>Gets the arms, in the order the policy numbers them.</summary>
    public IReadOnlyList<RouterArm> Arms { get; }

    /// <summary>Gets the policy that chooses arms.</summary>
    public IRoutingPolicy Policy { get; }

    /// <summary>Gets the featurizer that turns requests into the policy's context vectors.</summary>
    public IRequestFeaturizer Featurizer { get; }

    /// <summary>Gets λ, the weight of normalised cost in the reward.</summary>
    public double CostWeight => _options.CostWeight;

    /// <summary>Gets the number of decisions currently kept for feedback, including ones already used.</summary>
    public int PendingDecisionCount => _pending.Count;

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
        var context = await FeaturizeAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var estimates = new ArmEstimate[_arms.Length];
        var pending = Decide(context, estimates, out double propensity);
        return new RoutingDecision(pending.Id, _arms[pending.Arm], pending.Arm, propensity, Policy.Name, Arms, estimates);
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var context = await FeaturizeAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var pending = DecideWithoutEstimates(context);
        var arm = _arms[pending.Arm];
        pending.AwaitingResponse = true;

        ChatResponse response;
        try
        {
            response = await arm.Client.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Arm '{arm.Name}' returned no response.");
        }
        catch (Exception ex)
        {
            Discard(pending, arm, ex);
            throw;
        }

        var properties = response.AdditionalProperties ??= [];
        properties[MetaLlmPropertyNames.ArmName] = arm.Name;
        properties[MetaLlmPropertyNames.DecisionId] = pending.Id;
        if (response.Usage is { } usage)
        {
            var tokens = ModelPricing.GetTokenCounts(usage);
            pending.Tokens = tokens;
            properties[MetaLlmPropertyNames.CostUsd] = arm.Pricing.ComputeCost(tokens.Input, tokens.Output);
        }

        pending.AwaitingResponse = false;
        return response;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var context = await FeaturizeAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var pending = DecideWithoutEstimates(context);
        var arm = _arms[pending.Arm];
        pending.AwaitingResponse = true;

        UsageDetails? usage = null;
        bool first = true;
        IAsyncEnumerator<ChatResponseUpdate> updates;
        try
        {
            updates = arm.Client.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception ex)
        {
            Discard(pending, arm, ex);
            throw;
        }

        // However the stream ends (completed, abandoned by the caller, or failed), the decision stops waiting for it.
        try
        {
            await using (updates.ConfigureAwait(false))
            {
                while (true)
                {
                    ChatResponseUpdate update;
                    try
                    {
                        if (!await updates.MoveNextAsync().ConfigureAwait(false))
                        {
                            break;
                        }

                        update = updates.Current;
                    }
                    catch (Exception ex)
                    {
                        Discard(pending, arm, ex);
                        throw;
                    }

                    bool hasUsage = false;
                    foreach (var content in update.Contents)
                    {
                        if (content is UsageContent usageContent)
                        {
                            usage ??= new UsageDetails();
                            usage.Add(usageContent.Details);
                            hasUsage = true;
                        }
                    }

                    if (first || hasUsage)
                    {
                        var properties = update.AdditionalProperties ??= [];
                        properties[MetaLlmPropertyNames.ArmName] = arm.Name;
                        properties[MetaLlmPropertyNames.DecisionId] = pending.Id;
                        if (hasUsage)
                        {
                            var tokens = ModelPricing.GetTokenCounts(usage!);
                            pending.Tokens = tokens;
                            properties[MetaLlmPropertyNames.CostUsd] = arm.Pricing.ComputeCost(tokens.Input, tokens.Output);
                        }

                        first = false;
                    }

                    yield return update;
                }
            }
        }
        finally
        {
            pending.AwaitingResponse = false;
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
    /// <exception cref="ArgumentException"><paramref name="decisionId"/> is empty, unknown, or expired.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="score"/> is not a number in [0, 1], or the usage has negative counts.</exception>
    /// <exception cref="InvalidOperationException">The decision already has feedback, its answer is still streaming, or its cost is unknown.</exception>
    /// <exception cref="ObjectDisposedException">The router is disposed.</exception>
    /// <remarks>Nothing is learned and the decision stays open when an exception is thrown.</remarks>
    public RecordedFeedback RecordFeedback(string decisionId, double score, UsageDetails? usage = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentException.ThrowIfNullOrWhiteSpace(decisionId);
        if (!double.IsFinite(score) || score < 0 || score > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(score), score, "The score must be a number between 0 and 1.");
        }

        var pending = _pending.Find(decisionId, out bool expired)
            ?? throw new ArgumentException(
                expired
                    ? $"Decision '{decisionId}' expired: feedback must arrive within {_options.PendingDecisionLifetime}."
                    : $"Decision '{decisionId}' is unknown: it was not made by this router, or it was dropped because more than {_options.MaxPendingDecisions} decisions were waiting.",
                nameof(decisionId));

        if (pending.IsConsumed)
        {
            throw new InvalidOperationException($"Decision '{decisionId}' already has feedback; each decision is learned from once.");
        }

        var arm = _arms[pending.Arm];
        (long Input, long Output) tokens;
        if (usage is not null)
        {
            tokens = ModelPricing.GetTokenCounts(usage);
        }
        else if (pending.Tokens is { } reported)
        {
            tokens = reported;
        }
        else if (pending.AwaitingResponse)
        {
            throw new InvalidOperationException($"Decision '{decisionId}' is still waiting for its answer; give feedback once the response has completed.");
        }
        else
        {
            throw new InvalidOperationException($"The cost of decision '{decisionId}' is unknown because arm '{arm.Name}' reported no usage; pass the usage to {nameof(RecordFeedback)}.");
        }

        decimal cost = arm.Pricing.ComputeCost(tokens.Input, tokens.Output);
        double normalizedCost = _costNormalizer.Normalize(cost, tokens.Input, tokens.Output);
        double reward = score - (_options.CostWeight * normalizedCost);

        if (!pending.TryConsume())
        {
            throw new InvalidOperationException($"Decision '{decisionId}' already has feedback; each decision is learned from once.");
        }

        Policy.Update(pending.Arm, pending.Context, reward);
        Log.FeedbackRecorded(_logger, decisionId, arm.Name, score, cost, reward);
        return new RecordedFeedback(decisionId, arm.Name, score, cost, normalizedCost, reward);
    }

    /// <summary>
    /// Fits the policy on full-information examples, where every arm's score and cost are known (the MetaLLM paper's
    /// initialisation). It can be called before or between online learning; it adds to what was learned.
    /// </summary>
    /// <param name="examples">The examples; each must have an outcome for every arm.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The number of examples learned from.</returns>
    /// <exception cref="ArgumentException">An example lacks an arm, names an unknown arm, has no messages, or has an invalid score or cost.</exception>
    /// <exception cref="ObjectDisposedException">The router is disposed.</exception>
    /// <remarks>Every example is checked before anything is learned: on an exception the policy is unchanged.</remarks>
    public async Task<int> WarmStartAsync(IEnumerable<WarmStartExample> examples, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(examples);
        int d = Featurizer.Dimension;
        int k = _arms.Length;
        var contexts = new List<float>();
        var rewards = new List<double>();
        var context = new float[d];
        var row = new double[k];
        int count = 0;
        foreach (var example in examples)
        {
            if (example is null)
            {
                throw new ArgumentException($"Warm-start example {count} is null.", nameof(examples));
            }

            for (int arm = 0; arm < k; arm++)
            {
                row[arm] = ComputeWarmStartReward(example, count, _arms[arm]);
            }

            if (example.Outcomes.Count != k)
            {
                var unknown = example.Outcomes.Keys.FirstOrDefault(name => !_arms.Any(a => a.Name == name));
                throw new ArgumentException($"Warm-start example {count} has an outcome for '{unknown}', which is not an arm of this router.", nameof(examples));
            }

            await FeaturizeIntoAsync(example.Messages, null, context, $"Warm-start example {count}", cancellationToken).ConfigureAwait(false);
            contexts.AddRange(context);
            rewards.AddRange(row);
            count++;
        }

        Policy.Fit(contexts.ToArray(), rewards.ToArray(), count);
        Log.WarmStarted(_logger, count);
        return count;
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
        if (_ownsPolicy && Policy is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    private double ComputeWarmStartReward(WarmStartExample example, int index, RouterArm arm)
    {
        if (!example.Outcomes.TryGetValue(arm.Name, out var outcome))
        {
            throw new ArgumentException($"Warm-start example {index} has no outcome for arm '{arm.Name}'; every arm's outcome is needed.", nameof(example));
        }

        if (!double.IsFinite(outcome.Score) || outcome.Score < 0 || outcome.Score > 1)
        {
            throw new ArgumentException($"Warm-start example {index} gives arm '{arm.Name}' the score {outcome.Score}; scores must be between 0 and 1.", nameof(example));
        }

        double normalizedCost;
        if (outcome.Usage is { } usage)
        {
            var tokens = ModelPricing.GetTokenCounts(usage);
            normalizedCost = _costNormalizer.Normalize(arm.Pricing.ComputeCost(tokens.Input, tokens.Output), tokens.Input, tokens.Output);
        }
        else if (outcome.CostUsd is { } cost)
        {
            if (cost < 0)
            {
                throw new ArgumentException($"Warm-start example {index} gives arm '{arm.Name}' the negative cost {cost}.", nameof(example));
            }

            normalizedCost = _costNormalizer.Normalize(cost);
        }
        else
        {
            throw new ArgumentException($"Warm-start example {index} gives arm '{arm.Name}' neither usage nor cost; the router never counts a model as free.", nameof(example));
        }

        return outcome.Score - (_options.CostWeight * normalizedCost);
    }

    private async ValueTask<float[]> FeaturizeAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(messages);
        var context = new float[Featurizer.Dimension];
        await FeaturizeIntoAsync(messages, options, context, "The request", cancellationToken).ConfigureAwait(false);
        return context;
    }

    private async ValueTask FeaturizeIntoAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, float[] context, string what, CancellationToken cancellationToken)
    {
        if (!messages.Any())
        {
            throw new ArgumentException($"{what} has no messages; there is nothing to route.", nameof(messages));
        }

        await Featurizer.FeaturizeAsync(messages, options, context, cancellationToken).ConfigureAwait(false);
        foreach (float value in context)
        {
            if (!float.IsFinite(value))
            {
                throw new InvalidOperationException($"The featurizer '{Featurizer.Name}' produced a non-finite feature.");
            }
        }
    }

    private PendingDecision DecideWithoutEstimates(float[] context)
    {
        Span<ArmEstimate> estimates = _arms.Length <= 64 ? stackalloc ArmEstimate[_arms.Length] : new ArmEstimate[_arms.Length];
        return Decide(context, estimates, out _);
    }

    private PendingDecision Decide(float[] context, Span<ArmEstimate> estimates, out double propensity)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var decision = Policy.Decide(context, estimates);
        if ((uint)decision.Arm >= (uint)_arms.Length)
        {
            throw new InvalidOperationException($"The policy '{Policy.Name}' chose arm {decision.Arm}, but the router has {_arms.Length} arms.");
        }

        propensity = decision.Propensity;
        string id = _idPrefix + Interlocked.Increment(ref _sequence).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        var pending = new PendingDecision(id, decision.Arm, context, _pending.Now);
        _pending.Add(pending);
        Log.Routed(_logger, id, _arms[decision.Arm].Name, propensity);
        return pending;
    }

    private void Discard(PendingDecision pending, RouterArm arm, Exception exception)
    {
        _pending.Remove(pending);
        Log.ArmFailed(_logger, exception, arm.Name, pending.Id);
    }
}

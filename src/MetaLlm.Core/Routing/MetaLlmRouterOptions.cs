namespace MetaLlm;

/// <summary>Options of <see cref="MetaLlmRouter"/>; bindable from configuration.</summary>
/// <remarks>
/// The built-in policies are configured through their own options objects (<see cref="LinUcb"/>,
/// <see cref="ThompsonSampling"/>, <see cref="EpsilonGreedy"/>), the same ones their constructors take, so every
/// knob has one name and one default. Only the one <see cref="Policy"/> names is used. In configuration:
/// <c>"MetaLlm": { "Policy": "ThompsonSampling", "ThompsonSampling": { "PosteriorScale": 0.3, "Seed": 7 } }</c>.
/// </remarks>
public sealed class MetaLlmRouterOptions
{
    /// <summary>
    /// Gets or sets λ, how much accuracy one unit of normalised cost must buy: the reward of an answer is
    /// <c>score − λ·normalizedCost</c>. Default 0.2. 0 ignores price; with the default normalisation, 1 means
    /// paying the most expensive arm's price must be worth a whole point of score.
    /// </summary>
    public double CostWeight { get; set; } = 0.2;

    /// <summary>
    /// Gets or sets the cost in US dollars that counts as one unit of normalised cost. When <see langword="null"/>
    /// (the default) the cost of each response is divided by what the most expensive arm would have charged for the
    /// same tokens (the highest price of each kind of token among the arms), as in the MetaLLM paper, so the
    /// normalised cost lies in [0, 1] whatever the request's length.
    /// </summary>
    public decimal? CostReferenceUsd { get; set; }

    /// <summary>Gets or sets the built-in policy to use when none is given explicitly. Default <see cref="RoutingPolicyKind.LinUcb"/>.</summary>
    public RoutingPolicyKind Policy { get; set; } = RoutingPolicyKind.LinUcb;

    /// <summary>Gets or sets the options of the LinUCB policy, used when <see cref="Policy"/> is <see cref="RoutingPolicyKind.LinUcb"/>.</summary>
    public LinUcbPolicyOptions LinUcb { get; set; } = new();

    /// <summary>Gets or sets the options of the Thompson sampling policy, used when <see cref="Policy"/> is <see cref="RoutingPolicyKind.ThompsonSampling"/>.</summary>
    public ThompsonSamplingPolicyOptions ThompsonSampling { get; set; } = new();

    /// <summary>Gets or sets the options of the epsilon-greedy policy, used when <see cref="Policy"/> is <see cref="RoutingPolicyKind.EpsilonGreedy"/>.</summary>
    public EpsilonGreedyPolicyOptions EpsilonGreedy { get; set; } = new();

    /// <summary>
    /// Gets or sets the dimension of the default hashing featurizer, including its bias term: from 2 to
    /// <see cref="LinearPolicyOptions.MaxDimension"/>. Default 128 (earlier builds used 512: a router that saved state
    /// with the old default sets 512 to keep it, since a snapshot of other features is refused).
    /// </summary>
    public int FeatureDimension { get; set; } = 128;

    /// <summary>Gets or sets how many decisions are kept for feedback; the oldest are dropped first. Default 100,000.</summary>
    public int MaxPendingDecisions { get; set; } = 100_000;

    /// <summary>Gets or sets how long a decision waits for feedback before it is dropped. Default one hour.</summary>
    public TimeSpan PendingDecisionLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets how many arms one request may try: when an arm fails in a way worth retrying (a timeout,
    /// throttling, a server or network error), the next-best eligible arm by the policy's estimates gets the request.
    /// Default 3; 1 turns failover off.
    /// </summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// Gets or sets how long one arm may take to answer (for a stream: to send its first update) before the attempt
    /// counts as a timeout and the next arm is tried, or <see langword="null"/> (the default) for no limit of the
    /// router's own.
    /// </summary>
    public TimeSpan? AttemptTimeout { get; set; }

    /// <summary>Gets or sets the longest a request may take over all its attempts, or <see langword="null"/> (the default) for no deadline.</summary>
    public TimeSpan? RequestTimeout { get; set; }

    /// <summary>
    /// Gets or sets how much score a failure rate of 1 costs an arm when deciding: the predicted reward is
    /// <c>score − λ·normalizedCost − FailureWeight·failureRate</c>, with the rate decaying by <see cref="FailureHalfLife"/>.
    /// Default 0.5.
    /// </summary>
    public double FailureWeight { get; set; } = 0.5;

    /// <summary>Gets or sets how fast an arm's failures are forgotten: their weight halves every this long. Default ten minutes.</summary>
    public TimeSpan FailureHalfLife { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets when an arm's circuit breaker opens and for how long.</summary>
    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();

    /// <summary>
    /// Gets or sets whether the logs of a failed arm (the request failing over, or failing) attach the exception, its
    /// message and stack trace included. Default <see langword="false"/>: they name only the exception's type and the
    /// kind of failure, because providers' error messages may echo parts of the prompt (a request too long, content
    /// filtered, an invalid argument quoted back), and logs are kept and read more widely than prompts should be.
    /// </summary>
    public bool IncludeExceptionMessagesInLogs { get; set; }

    /// <summary>
    /// Gets or sets where every decision goes once its feedback is recorded (features, eligible arms, chosen arm,
    /// propensity, score, cost and λ; never prompt or response text), for off-policy evaluation with
    /// <see cref="OffPolicyEvaluator"/>; <see langword="null"/> (the default) logs nothing. Not bound from
    /// configuration: set it in code, or with <see cref="MetaLlmRouterBuilder.UseDecisionLog"/>.
    /// </summary>
    public IDecisionLog? DecisionLog { get; set; }

    /// <summary>
    /// Gets or sets a candidate policy that decides beside the serving one on every request, in shadow: it estimates
    /// and chooses on the same features, eligible arms and λ, but its choice is never served and feedback never
    /// updates it (train it first, for example with <see cref="IRoutingPolicy.ImportStatistics"/> or
    /// <see cref="IRoutingPolicy.Fit"/>). Its choice and propensity are in <see cref="RoutingDecision.ShadowArmIndex"/>,
    /// the decision log (<see cref="LoggedDecision.ShadowArmIndex"/>) and the <c>metallm.shadow.decisions</c> counter
    /// (tagged <c>metallm.shadow.agrees</c>);
    /// a shadow that throws is logged and skipped, and the request is served as without it. It must have the router's
    /// arm count and feature dimension. <see langword="null"/> (the default) runs none. Not bound from configuration.
    /// </summary>
    public IRoutingPolicy? ShadowPolicy { get; set; }

    /// <summary>Gets the options of the policy <see cref="Policy"/> names.</summary>
    public LinearPolicyOptions SelectedPolicyOptions => Policy switch
    {
        RoutingPolicyKind.ThompsonSampling => ThompsonSampling,
        RoutingPolicyKind.EpsilonGreedy => EpsilonGreedy,
        _ => LinUcb,
    };

    /// <summary>Returns a description of every invalid value, or an empty list when the options are valid.</summary>
    /// <returns>The problems found, each naming its option.</returns>
    public IReadOnlyList<string> GetValidationErrors()
    {
        var errors = new List<string>();
        if (!(CostWeight >= 0) || double.IsInfinity(CostWeight))
        {
            errors.Add($"{nameof(CostWeight)} must be finite and not negative, but was {CostWeight}.");
        }

        if (CostReferenceUsd is { } reference && reference <= 0)
        {
            errors.Add($"{nameof(CostReferenceUsd)} must be positive when set, but was {reference}.");
        }

        if (!Enum.IsDefined(Policy))
        {
            errors.Add($"{nameof(Policy)} must be one of {string.Join(", ", Enum.GetNames<RoutingPolicyKind>())}, but was {Policy}.");
        }
        else if (SelectedPolicyOptions is null)
        {
            errors.Add($"The options of the {Policy} policy must not be null.");
        }
        else
        {
            foreach (var error in SelectedPolicyOptions.GetValidationErrors())
            {
                errors.Add($"{Policy}:{error}");
            }
        }

        if (FeatureDimension < 2 || FeatureDimension > LinearPolicyOptions.MaxDimension)
        {
            errors.Add($"{nameof(FeatureDimension)} must be between 2 and {LinearPolicyOptions.MaxDimension}, but was {FeatureDimension}.");
        }

        if (MaxAttempts < 1)
        {
            errors.Add($"{nameof(MaxAttempts)} must be at least 1, but was {MaxAttempts}.");
        }

        if (AttemptTimeout is { } attemptTimeout && attemptTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(AttemptTimeout)} must be positive when set, but was {attemptTimeout}.");
        }

        if (RequestTimeout is { } requestTimeout && requestTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(RequestTimeout)} must be positive when set, but was {requestTimeout}.");
        }

        if (!(FailureWeight >= 0) || double.IsInfinity(FailureWeight))
        {
            errors.Add($"{nameof(FailureWeight)} must be finite and not negative, but was {FailureWeight}.");
        }

        if (FailureHalfLife <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(FailureHalfLife)} must be positive, but was {FailureHalfLife}.");
        }

        if (CircuitBreaker is null)
        {
            errors.Add($"{nameof(CircuitBreaker)} must not be null.");
        }
        else
        {
            CircuitBreaker.AddValidationErrors(errors, $"{nameof(CircuitBreaker)}:");
        }

        if (MaxPendingDecisions < 1)
        {
            errors.Add($"{nameof(MaxPendingDecisions)} must be at least 1, but was {MaxPendingDecisions}.");
        }

        if (PendingDecisionLifetime <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(PendingDecisionLifetime)} must be positive, but was {PendingDecisionLifetime}.");
        }

        return errors;
    }

    /// <summary>Creates the built-in policy these options describe.</summary>
    /// <param name="armCount">The number of arms.</param>
    /// <param name="dimension">The number of features.</param>
    /// <returns>The policy.</returns>
    public IRoutingPolicy CreatePolicy(int armCount, int dimension) => Policy switch
    {
        RoutingPolicyKind.ThompsonSampling => new ThompsonSamplingPolicy(armCount, dimension, ThompsonSampling),
        RoutingPolicyKind.EpsilonGreedy => new EpsilonGreedyPolicy(armCount, dimension, EpsilonGreedy),
        _ => new LinUcbPolicy(armCount, dimension, LinUcb),
    };

    /// <summary>Returns a copy of these options, the policies' options included.</summary>
    /// <returns>The copy.</returns>
    public MetaLlmRouterOptions Clone()
    {
        var clone = (MetaLlmRouterOptions)MemberwiseClone();
        clone.LinUcb = LinUcb?.Clone()!;
        clone.ThompsonSampling = ThompsonSampling?.Clone()!;
        clone.EpsilonGreedy = EpsilonGreedy?.Clone()!;
        clone.CircuitBreaker = CircuitBreaker?.Clone()!;
        return clone;
    }
}

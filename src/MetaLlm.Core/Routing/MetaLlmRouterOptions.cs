namespace MetaLlm;

/// <summary>Options of <see cref="MetaLlmRouter"/>; bindable from configuration.</summary>
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
    /// same tokens (the highest input price and the highest output price among the arms), as in the MetaLLM paper,
    /// so the normalised cost lies in [0, 1] whatever the request's length.
    /// </summary>
    public decimal? CostReferenceUsd { get; set; }

    /// <summary>Gets or sets the built-in policy to use when none is given explicitly. Default <see cref="RoutingPolicyKind.LinUcb"/>.</summary>
    public RoutingPolicyKind Policy { get; set; } = RoutingPolicyKind.LinUcb;

    /// <summary>
    /// Gets or sets the exploration weight of the built-in policy: LinUCB's α, or Thompson sampling's posterior scale.
    /// Default 0.5.
    /// </summary>
    public double Exploration { get; set; } = 0.5;

    /// <summary>Gets or sets ε, the exploration probability of the epsilon-greedy policy. Default 0.05.</summary>
    public double Epsilon { get; set; } = 0.05;

    /// <summary>Gets or sets the ridge penalty of the built-in policies' per-arm models. Default 1.</summary>
    public double Regularization { get; set; } = 1.0;

    /// <summary>Gets or sets the dimension of the default hashing featurizer, including its bias term. Default 512.</summary>
    public int FeatureDimension { get; set; } = 512;

    /// <summary>Gets or sets the seed of the built-in policy's random source. Default: unseeded.</summary>
    public int? Seed { get; set; }

    /// <summary>Gets or sets how many decisions awaiting feedback are kept; the oldest are dropped first. Default 100,000.</summary>
    public int MaxPendingDecisions { get; set; } = 100_000;

    /// <summary>Gets or sets how long a decision waits for feedback before it is dropped. Default one hour.</summary>
    public TimeSpan PendingDecisionLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Returns a description of every invalid value, or an empty list when the options are valid.</summary>
    /// <returns>The problems found.</returns>
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

        if (!(Exploration >= 0) || double.IsInfinity(Exploration))
        {
            errors.Add($"{nameof(Exploration)} must be finite and not negative, but was {Exploration}.");
        }

        if (!(Epsilon >= 0 && Epsilon <= 1))
        {
            errors.Add($"{nameof(Epsilon)} must be between 0 and 1, but was {Epsilon}.");
        }

        if (!(Regularization > 0) || double.IsInfinity(Regularization))
        {
            errors.Add($"{nameof(Regularization)} must be positive and finite, but was {Regularization}.");
        }

        if (FeatureDimension < 2)
        {
            errors.Add($"{nameof(FeatureDimension)} must be at least 2, but was {FeatureDimension}.");
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
        RoutingPolicyKind.ThompsonSampling => new ThompsonSamplingPolicy(armCount, dimension, new() { PosteriorScale = Exploration, Regularization = Regularization, Seed = Seed }),
        RoutingPolicyKind.EpsilonGreedy => new EpsilonGreedyPolicy(armCount, dimension, new() { Epsilon = Epsilon, Regularization = Regularization, Seed = Seed }),
        _ => new LinUcbPolicy(armCount, dimension, new() { Alpha = Exploration, Regularization = Regularization, Seed = Seed }),
    };

    /// <summary>Returns a copy of these options.</summary>
    /// <returns>The copy.</returns>
    public MetaLlmRouterOptions Clone() => (MetaLlmRouterOptions)MemberwiseClone();
}

namespace MetaLlm;

/// <summary>
/// Evaluates an <see cref="IRoutingPolicy"/> as a frozen candidate: for each logged decision it estimates every arm,
/// prices the token predictions at the arms' prices and a fixed λ as the router does, and takes the policy's choice
/// among the decision's eligible arms.
/// </summary>
/// <remarks>
/// <para>
/// The policy must not learn while it is evaluated: use one restored from a snapshot
/// (<see cref="IRoutingPolicy.ImportStatistics"/>), not the one a live router updates. The arms give the prices and
/// the cost normalisation (the dearest arm's prices, or <c>costReferenceUsd</c>); they must be the log's arms, in the
/// same order. The arms' recent failures (<see cref="MetaLlmRouterOptions.FailureWeight"/>) are not part of the
/// candidate.
/// </para>
/// <para>
/// For an <see cref="EpsilonGreedyPolicy"/> the probabilities are exact: <c>ε/k</c> on every eligible arm plus
/// <c>1 − ε</c> shared by the greedy ones. For any other policy the candidate takes the policy's own choice with
/// probability 1: exact for deterministic policies such as LinUCB, and for a stochastic one (Thompson sampling) one
/// draw of its choice, which keeps the estimators unbiased at the price of a little variance. Choosing uses the
/// policy's random source.
/// </para>
/// </remarks>
public sealed class RoutingPolicyCandidate : ICandidatePolicy
{
    private readonly IRoutingPolicy _policy;
    private readonly RouterArm[] _arms;
    private readonly RewardFunction _reward;
    private readonly double _costWeight;

    /// <summary>Initializes a new instance of the <see cref="RoutingPolicyCandidate"/> class.</summary>
    /// <param name="policy">The frozen policy.</param>
    /// <param name="arms">The arms, as the router that wrote the log had them: one per arm of the policy.</param>
    /// <param name="costWeight">The λ the candidate decides with.</param>
    /// <param name="costReferenceUsd">The router's <see cref="MetaLlmRouterOptions.CostReferenceUsd"/>, or <see langword="null"/> for the dearest arm's prices.</param>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> or <paramref name="arms"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The arms do not match the policy's arm count.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="costWeight"/> is negative or not finite, or <paramref name="costReferenceUsd"/> is not positive.</exception>
    public RoutingPolicyCandidate(IRoutingPolicy policy, IEnumerable<RouterArm> arms, double costWeight, decimal? costReferenceUsd = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(arms);
        _arms = [.. arms];
        if (_arms.Length != policy.ArmCount || Array.Exists(_arms, a => a is null))
        {
            throw new ArgumentException($"The policy '{policy.Name}' has {policy.ArmCount} arms; pass as many arms, none null.", nameof(arms));
        }

        if (!(costWeight >= 0) || double.IsInfinity(costWeight))
        {
            throw new ArgumentOutOfRangeException(nameof(costWeight), costWeight, "The cost weight must be finite and not negative.");
        }

        if (costReferenceUsd is { } reference && reference <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(costReferenceUsd), reference, "The cost reference must be positive when set.");
        }

        _policy = policy;
        _costWeight = costWeight;
        _reward = new RewardFunction(_arms, costReferenceUsd, costWeight);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The decision's arms are not this candidate's, or its features do not fit the policy.</exception>
    public void GetProbabilities(LoggedDecision decision, Span<double> probabilities)
    {
        ArgumentNullException.ThrowIfNull(decision);
        int k = _arms.Length;
        if (decision.ArmNames.Count != k || probabilities.Length != k)
        {
            throw new ArgumentException($"Decision '{decision.DecisionId}' names {decision.ArmNames.Count} arms, but the candidate has {k}.", nameof(decision));
        }

        for (int a = 0; a < k; a++)
        {
            if (!string.Equals(decision.ArmNames[a], _arms[a].Name, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Decision '{decision.DecisionId}' names arm {a} '{decision.ArmNames[a]}', but the candidate's arm {a} is '{_arms[a].Name}'.", nameof(decision));
            }
        }

        if (decision.Features.Length != _policy.Dimension)
        {
            throw new ArgumentException($"Decision '{decision.DecisionId}' has {decision.Features.Length} features, but the policy '{_policy.Name}' expects {_policy.Dimension}.", nameof(decision));
        }

        var estimates = new ArmEstimate[k];
        _policy.Estimate(decision.Features.Span, decision.EstimatedInputTokens, estimates);
        for (int a = 0; a < k; a++)
        {
            estimates[a] = _reward.Price(_arms[a], estimates[a], _costWeight);
        }

        probabilities.Clear();
        if (_policy is EpsilonGreedyPolicy greedy)
        {
            EpsilonGreedy(decision, estimates, greedy.Epsilon, probabilities);
            return;
        }

        var choice = _policy.Choose(estimates, decision.Eligible.Span);
        probabilities[choice.Arm] = 1;
    }

    // Mirrors EpsilonGreedyPolicy.Choose over the eligible arms: ε spread evenly, 1 − ε shared by the tied greedy arms.
    private static void EpsilonGreedy(LoggedDecision decision, ArmEstimate[] estimates, double epsilon, Span<double> probabilities)
    {
        double best = double.NegativeInfinity;
        int eligible = 0;
        for (int a = 0; a < estimates.Length; a++)
        {
            if (decision.IsEligible(a))
            {
                eligible++;
                best = Math.Max(best, estimates[a].PredictedReward);
            }
        }

        if (eligible == 0)
        {
            throw new ArgumentException($"Decision '{decision.DecisionId}' has no eligible arm.", nameof(decision));
        }

        int ties = 0;
        for (int a = 0; a < estimates.Length; a++)
        {
            if (decision.IsEligible(a) && estimates[a].PredictedReward == best)
            {
                ties++;
            }
        }

        for (int a = 0; a < estimates.Length; a++)
        {
            if (decision.IsEligible(a))
            {
                probabilities[a] = (epsilon / eligible) + (estimates[a].PredictedReward == best ? (1 - epsilon) / ties : 0);
            }
        }
    }
}

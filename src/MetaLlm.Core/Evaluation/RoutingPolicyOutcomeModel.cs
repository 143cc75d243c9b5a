namespace MetaLlm;

/// <summary>
/// An <see cref="IOutcomeModel"/> read from a fitted <see cref="IRoutingPolicy"/>: its predicted score, and its
/// predicted tokens priced at the arms' prices and normalised as the router normalises costs.
/// </summary>
/// <remarks>
/// A linear policy's predictions are not clamped to [0, 1]. The doubly robust estimate stays unbiased whatever the
/// model predicts, but a policy trained on the log being evaluated (the router's own) adds the small bias described
/// in <see cref="IOutcomeModel"/>; one restored from an earlier snapshot does not. The policy must not learn while it
/// is used, and the arms must be the log's, in the same order.
/// </remarks>
public sealed class RoutingPolicyOutcomeModel : IOutcomeModel
{
    private readonly IRoutingPolicy _policy;
    private readonly RouterArm[] _arms;
    private readonly RewardFunction _reward;

    /// <summary>Initializes a new instance of the <see cref="RoutingPolicyOutcomeModel"/> class.</summary>
    /// <param name="policy">The fitted policy.</param>
    /// <param name="arms">The arms, as the router that wrote the log had them: one per arm of the policy.</param>
    /// <param name="costReferenceUsd">The router's <see cref="MetaLlmRouterOptions.CostReferenceUsd"/>, or <see langword="null"/> for the dearest arm's prices.</param>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> or <paramref name="arms"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The arms do not match the policy's arm count.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="costReferenceUsd"/> is not positive.</exception>
    public RoutingPolicyOutcomeModel(IRoutingPolicy policy, IEnumerable<RouterArm> arms, decimal? costReferenceUsd = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(arms);
        _arms = [.. arms];
        if (_arms.Length != policy.ArmCount || Array.Exists(_arms, a => a is null))
        {
            throw new ArgumentException($"The policy '{policy.Name}' has {policy.ArmCount} arms; pass as many arms, none null.", nameof(arms));
        }

        if (costReferenceUsd is { } reference && reference <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(costReferenceUsd), reference, "The cost reference must be positive when set.");
        }

        _policy = policy;
        _reward = new RewardFunction(_arms, costReferenceUsd, costWeight: 1);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The decision's arms are not this model's, or its features do not fit the policy.</exception>
    public void Predict(LoggedDecision decision, Span<double> scores, Span<double> normalizedCosts)
    {
        ArgumentNullException.ThrowIfNull(decision);
        int k = _arms.Length;
        if (decision.ArmNames.Count != k || scores.Length != k || normalizedCosts.Length != k)
        {
            throw new ArgumentException($"Decision '{decision.DecisionId}' names {decision.ArmNames.Count} arms, but the model has {k}.", nameof(decision));
        }

        for (int a = 0; a < k; a++)
        {
            if (!string.Equals(decision.ArmNames[a], _arms[a].Name, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Decision '{decision.DecisionId}' names arm {a} '{decision.ArmNames[a]}', but the model's arm {a} is '{_arms[a].Name}'.", nameof(decision));
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
            scores[a] = estimates[a].PredictedScore;

            // With λ = 1 the cost term is the normalised predicted cost itself.
            normalizedCosts[a] = _reward.Price(_arms[a], estimates[a], 1).CostTerm;
        }
    }
}

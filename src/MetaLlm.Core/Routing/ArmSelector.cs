using Microsoft.Extensions.AI;

namespace MetaLlm;

/// <summary>
/// Selects an arm for a request: featurizes it, checks the features, finds the arms that may serve it, lets the
/// policy estimate every arm, prices the estimates with the current λ and each arm's recent failures, and lets the
/// policy choose among the eligible ones.
/// </summary>
internal sealed class ArmSelector
{
    private readonly IReadOnlyList<RouterArm> _arms;
    private readonly RewardFunction _reward;
    private readonly ArmHealthTracker _health;
    private readonly double _failureWeight;

    public ArmSelector(IRequestFeaturizer featurizer, IRoutingPolicy policy, IReadOnlyList<RouterArm> arms, RewardFunction reward, ArmHealthTracker health, double failureWeight)
    {
        Featurizer = featurizer;
        Policy = policy;
        _arms = arms;
        _reward = reward;
        _health = health;
        _failureWeight = failureWeight;
    }

    public IRequestFeaturizer Featurizer { get; }

    public IRoutingPolicy Policy { get; }

    /// <summary>Featurizes a request and decides among the arms that may serve it.</summary>
    /// <exception cref="NoEligibleArmException">No arm may serve the request.</exception>
    public async ValueTask<ArmSelection> SelectAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var context = new float[Featurizer.Dimension];
        await FeaturizeAsync(messages, options, context, "The request", cancellationToken).ConfigureAwait(false);
        double inputTokens = InputTokenEstimate.FromRequest(messages, options);
        var eligible = new bool[_arms.Count];
        var reasons = ArmEligibility.Compute(_arms, messages, options, inputTokens, _health, eligible);
        if (reasons is not null && reasons.Count == _arms.Count)
        {
            throw new NoEligibleArmException(reasons);
        }

        double costWeight = _reward.CostWeight;
        var estimates = new ArmEstimate[_arms.Count];
        Policy.Estimate(context, inputTokens, estimates);
        for (int arm = 0; arm < estimates.Length; arm++)
        {
            var priced = _reward.Price(_arms[arm], estimates[arm], costWeight);
            estimates[arm] = _failureWeight > 0 ? priced with { FailurePenalty = _failureWeight * _health.FailureRate(arm) } : priced;
        }

        var decision = Policy.Choose(estimates, reasons is null ? [] : eligible);
        if ((uint)decision.Arm >= (uint)_arms.Count || !eligible[decision.Arm])
        {
            throw new InvalidOperationException($"The policy '{Policy.Name}' chose arm {decision.Arm}, which is not one of the router's {_arms.Count} eligible arms.");
        }

        return new ArmSelection(context, inputTokens, decision.Arm, decision.Propensity, costWeight, estimates, eligible, reasons);
    }

    /// <summary>The next-best eligible arm not yet tried, by predicted reward; -1 when none is left.</summary>
    public int NextBest(in ArmSelection selection, ReadOnlySpan<bool> tried)
    {
        int best = -1;
        for (int arm = 0; arm < _arms.Count; arm++)
        {
            if (selection.Eligible[arm] && !tried[arm] && _health.IsAvailable(arm)
                && (best < 0 || selection.Estimates[arm].PredictedReward > selection.Estimates[best].PredictedReward))
            {
                best = arm;
            }
        }

        return best;
    }

    /// <summary>Writes a request's features into <paramref name="context"/> and checks they are finite.</summary>
    public async ValueTask FeaturizeAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, float[] context, string what, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
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
}

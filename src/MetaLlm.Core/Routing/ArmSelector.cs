using Microsoft.Extensions.AI;

namespace MetaLlm;

/// <summary>
/// Selects an arm for a request: featurizes it, checks the features, lets the policy estimate every arm, prices the
/// estimates with the current λ, and lets the policy choose.
/// </summary>
internal sealed class ArmSelector
{
    private readonly IReadOnlyList<RouterArm> _arms;
    private readonly RewardFunction _reward;

    public ArmSelector(IRequestFeaturizer featurizer, IRoutingPolicy policy, IReadOnlyList<RouterArm> arms, RewardFunction reward)
    {
        Featurizer = featurizer;
        Policy = policy;
        _arms = arms;
        _reward = reward;
    }

    public IRequestFeaturizer Featurizer { get; }

    public IRoutingPolicy Policy { get; }

    /// <summary>Featurizes a request and decides; estimates are kept only when asked for.</summary>
    public async ValueTask<ArmSelection> SelectAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, bool keepEstimates, CancellationToken cancellationToken)
    {
        var context = new float[Featurizer.Dimension];
        await FeaturizeAsync(messages, options, context, "The request", cancellationToken).ConfigureAwait(false);
        double inputTokens = InputTokenEstimate.FromRequest(messages, options);
        double costWeight = _reward.CostWeight;
        if (keepEstimates)
        {
            var estimates = new ArmEstimate[_arms.Count];
            var decision = Decide(context, inputTokens, costWeight, estimates);
            return new ArmSelection(context, inputTokens, decision.Arm, decision.Propensity, costWeight, estimates);
        }

        var chosen = DecideWithoutEstimates(context, inputTokens, costWeight);
        return new ArmSelection(context, inputTokens, chosen.Arm, chosen.Propensity, costWeight, null);
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

    private PolicyDecision DecideWithoutEstimates(float[] context, double inputTokens, double costWeight)
    {
        Span<ArmEstimate> estimates = _arms.Count <= 64 ? stackalloc ArmEstimate[_arms.Count] : new ArmEstimate[_arms.Count];
        return Decide(context, inputTokens, costWeight, estimates);
    }

    private PolicyDecision Decide(float[] context, double inputTokens, double costWeight, Span<ArmEstimate> estimates)
    {
        Policy.Estimate(context, inputTokens, estimates);
        for (int arm = 0; arm < estimates.Length; arm++)
        {
            estimates[arm] = _reward.Price(_arms[arm], estimates[arm], costWeight);
        }

        var decision = Policy.Choose(estimates, []);
        if ((uint)decision.Arm >= (uint)_arms.Count)
        {
            throw new InvalidOperationException($"The policy '{Policy.Name}' chose arm {decision.Arm}, but the router has {_arms.Count} arms.");
        }

        return decision;
    }
}

using Microsoft.Extensions.Logging;
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
    private readonly IRoutingPolicy? _shadow;
    private readonly ILogger _logger;

    public ArmSelector(IRequestFeaturizer featurizer, IRoutingPolicy policy, IReadOnlyList<RouterArm> arms, RewardFunction reward, ArmHealthTracker health, double failureWeight, IRoutingPolicy? shadow, ILogger logger)
    {
        Featurizer = featurizer;
        Policy = policy;
        _arms = arms;
        _reward = reward;
        _health = health;
        _failureWeight = failureWeight;
        _shadow = shadow;
        _logger = logger;
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
        var decision = Decide(Policy, context, inputTokens, costWeight, estimates, eligible, reasons is not null);
        var shadow = _shadow is null ? (PolicyDecision?)null : DecideInShadow(_shadow, context, inputTokens, costWeight, eligible, reasons is not null);
        return new ArmSelection(context, inputTokens, decision.Arm, decision.Propensity, costWeight, estimates, eligible, reasons) { Shadow = shadow };
    }

    // Estimates, prices the estimates at λ and the arms' recent failures, and chooses among the eligible arms.
    private PolicyDecision Decide(IRoutingPolicy policy, float[] context, double inputTokens, double costWeight, ArmEstimate[] estimates, bool[] eligible, bool someIneligible)
    {
        policy.Estimate(context, inputTokens, estimates);
        for (int arm = 0; arm < estimates.Length; arm++)
        {
            var priced = _reward.Price(_arms[arm], estimates[arm], costWeight);
            estimates[arm] = _failureWeight > 0 ? priced with { FailurePenalty = _failureWeight * _health.FailureRate(arm) } : priced;
        }

        var decision = policy.Choose(estimates, someIneligible ? eligible : []);
        if ((uint)decision.Arm >= (uint)_arms.Count || !eligible[decision.Arm])
        {
            throw new InvalidOperationException($"The policy '{policy.Name}' chose arm {decision.Arm}, which is not one of the router's {_arms.Count} eligible arms.");
        }

        return decision;
    }

    // The shadow is a candidate under evaluation: whatever it throws is logged, and the request is served without it.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "A shadow policy is never served; its failure must not fail the request.")]
    private PolicyDecision? DecideInShadow(IRoutingPolicy shadow, float[] context, double inputTokens, double costWeight, bool[] eligible, bool someIneligible)
    {
        try
        {
            return Decide(shadow, context, inputTokens, costWeight, new ArmEstimate[_arms.Count], eligible, someIneligible);
        }
        catch (Exception ex)
        {
            Log.ShadowPolicyFailed(_logger, shadow.Name, ex.GetType().FullName ?? ex.GetType().Name);
            return null;
        }
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

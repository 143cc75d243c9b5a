namespace MetaLlm;

/// <summary>
/// The one place the reward <c>score − λ·normalizedCost</c> is formed: for decisions from predicted tokens at the
/// arms' current prices and the current λ, and for feedback, warm start and <see cref="MetaLlmRouter.EvaluateOutcome"/>
/// from billed tokens.
/// </summary>
internal sealed class RewardFunction
{
    private readonly CostNormalizer _normalizer;
    private double _costWeight;

    public RewardFunction(IReadOnlyList<RouterArm> arms, decimal? costReferenceUsd, double costWeight)
    {
        _normalizer = new CostNormalizer(arms, costReferenceUsd);
        _costWeight = costWeight;
    }

    /// <summary>Gets or sets λ, the weight of normalised cost; a change applies to the next decision.</summary>
    public double CostWeight
    {
        get => Volatile.Read(ref _costWeight);
        set => Volatile.Write(ref _costWeight, value);
    }

    /// <summary>Prices a policy's token prediction for an arm and writes the cost term λ·normalizedCost into it.</summary>
    public ArmEstimate Price(RouterArm arm, in ArmEstimate estimate, double costWeight)
    {
        double cost = arm.Pricing.EstimateCost(estimate.PredictedTokens);
        return estimate with { PredictedCostUsd = cost, CostTerm = costWeight * _normalizer.NormalizePrediction(cost, estimate.PredictedTokens) };
    }

    /// <summary>The reward of an answer whose tokens are known, priced at the arm's prices.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A token count is negative.</exception>
    /// <exception cref="OverflowException">The cost exceeds the range of <see cref="decimal"/>.</exception>
    public ArmReward Evaluate(RouterArm arm, double score, BilledTokens tokens)
    {
        decimal cost = arm.Pricing.ComputeCost(tokens);
        return Mix(score, cost, _normalizer.Normalize(cost, tokens));
    }

    private ArmReward Mix(double score, decimal cost, double normalizedCost) =>
        new(cost, normalizedCost, score - (CostWeight * normalizedCost));
}

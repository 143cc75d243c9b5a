namespace MetaLlm;

/// <summary>
/// The one place the reward <c>score − λ·normalizedCost</c> is computed, for feedback, warm start and
/// <see cref="MetaLlmRouter.EvaluateOutcome"/> alike.
/// </summary>
internal sealed class RewardFunction
{
    private readonly CostNormalizer _normalizer;

    public RewardFunction(IReadOnlyList<RouterArm> arms, decimal? costReferenceUsd, double costWeight)
    {
        _normalizer = new CostNormalizer(arms, costReferenceUsd);
        CostWeight = costWeight;
    }

    /// <summary>Gets λ, the weight of normalised cost.</summary>
    public double CostWeight { get; }

    /// <summary>The reward of an answer whose tokens are known, priced at the arm's prices.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A token count is negative.</exception>
    /// <exception cref="OverflowException">The cost exceeds the range of <see cref="decimal"/>.</exception>
    public ArmReward Evaluate(RouterArm arm, double score, BilledTokens tokens)
    {
        decimal cost = arm.Pricing.ComputeCost(tokens);
        return Mix(score, cost, _normalizer.Normalize(cost, tokens));
    }

    /// <summary>The reward of an answer known only by its dollar cost; needs a fixed cost reference.</summary>
    /// <exception cref="InvalidOperationException">No fixed cost reference is set.</exception>
    public ArmReward Evaluate(double score, decimal costUsd) => Mix(score, costUsd, _normalizer.Normalize(costUsd));

    private ArmReward Mix(double score, decimal cost, double normalizedCost) =>
        new(cost, normalizedCost, score - (CostWeight * normalizedCost));
}

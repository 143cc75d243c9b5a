namespace MetaLlm;

/// <summary>An estimate of one arm's answer to one request: its score, its tokens, and what the router makes of them.</summary>
/// <remarks>
/// A policy fills the score, its uncertainty and the token predictions (<see cref="IRoutingPolicy.Estimate"/>); the
/// router prices the tokens at the arm's current prices and fills <see cref="PredictedCostUsd"/> and
/// <see cref="CostTerm"/> (λ times the normalised cost) before the policy chooses, so λ and prices apply at decision
/// time without relearning.
/// </remarks>
/// <param name="PredictedScore">The expected score, <c>xᵀθ_score</c> for linear policies.</param>
/// <param name="Uncertainty">The standard width of the estimate, <c>sqrt(xᵀA⁻¹x)</c> for linear policies.</param>
/// <param name="PredictedTokens">The tokens the arm is expected to bill.</param>
/// <param name="PredictedCostUsd">The expected cost in US dollars at the arm's prices.</param>
/// <param name="CostTerm">λ times the expected normalised cost: what the cost takes off the score.</param>
/// <param name="FailurePenalty">What the arm's recent failures take off the score (<see cref="MetaLlmRouterOptions.FailureWeight"/> times its failure rate).</param>
public readonly record struct ArmEstimate(double PredictedScore, double Uncertainty, PredictedTokens PredictedTokens = default, double PredictedCostUsd = 0, double CostTerm = 0, double FailurePenalty = 0)
{
    /// <summary>Gets the expected reward, <see cref="PredictedScore"/> minus <see cref="CostTerm"/> and <see cref="FailurePenalty"/>.</summary>
    public double PredictedReward => PredictedScore - CostTerm - FailurePenalty;
}

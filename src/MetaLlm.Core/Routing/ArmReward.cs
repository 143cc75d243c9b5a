namespace MetaLlm;

/// <summary>What one answer is worth to the router: its cost, the cost normalised, and the reward it teaches.</summary>
/// <param name="CostUsd">The cost of the answer in US dollars.</param>
/// <param name="NormalizedCost">The cost after normalisation (see <see cref="MetaLlmRouterOptions.CostReferenceUsd"/>).</param>
/// <param name="Reward">The reward <c>score − λ·NormalizedCost</c>.</param>
public readonly record struct ArmReward(decimal CostUsd, double NormalizedCost, double Reward);

namespace MetaLlm;

/// <summary>What the router learned from one piece of feedback.</summary>
/// <param name="DecisionId">The decision the feedback was for.</param>
/// <param name="ArmName">The arm that answered.</param>
/// <param name="Score">The score given, in [0, 1].</param>
/// <param name="CostUsd">The cost of the answer in US dollars.</param>
/// <param name="NormalizedCost">The cost after normalisation (see <see cref="MetaLlmRouterOptions.CostReferenceUsd"/>).</param>
/// <param name="Reward">The reward the policy learned: <c>Score − λ·NormalizedCost</c>.</param>
public sealed record RecordedFeedback(string DecisionId, string ArmName, double Score, decimal CostUsd, double NormalizedCost, double Reward);

namespace MetaLlm.Replay.Experiments;

/// <summary>What one replay (one policy, setting, λ and seed) achieved on the evaluated queries.</summary>
/// <param name="Policy">The policy's name.</param>
/// <param name="Setting">How the router learned.</param>
/// <param name="Lambda">The router's cost weight λ.</param>
/// <param name="Seed">The seed of the query order and of the policy.</param>
/// <param name="Accuracy">The mean recorded score of the chosen answers.</param>
/// <param name="CostPerQuery">The mean cost in US dollars the router computed for the chosen answers.</param>
/// <param name="MeanReward">The mean reward score − λ·normalisedCost.</param>
/// <param name="RegretVsOracle">The sum over queries of the best arm's reward minus the chosen arm's reward.</param>
/// <param name="ArmShares">The share of queries sent to each arm, in arm order.</param>
internal sealed record ReplayRunResult(
    string Policy, ReplaySetting Setting, double Lambda, int Seed, double Accuracy, double CostPerQuery, double MeanReward, double RegretVsOracle, IReadOnlyList<double> ArmShares)
{
    /// <summary>Gets the mean normalised cost of the chosen answers (the reward's cost term before λ), as the router computed it.</summary>
    public double MeanNormalizedCost { get; init; }
}

namespace MetaLlm.WebApi.Contracts;

/// <summary>What the router learned from feedback (<see cref="RecordedFeedback"/>).</summary>
/// <param name="DecisionId">The decision.</param>
/// <param name="Arm">The arm that had answered.</param>
/// <param name="Score">The score given.</param>
/// <param name="CostUsd">The answer's cost in US dollars.</param>
/// <param name="NormalizedCost">The cost as a share of what the dearest arm's prices would have charged.</param>
/// <param name="Reward">The reward learned: <c>score − λ·normalizedCost</c>.</param>
internal sealed record FeedbackReply(string DecisionId, string Arm, double Score, decimal CostUsd, double NormalizedCost, double Reward)
{
    public static FeedbackReply From(RecordedFeedback feedback) =>
        new(feedback.DecisionId, feedback.ArmName, feedback.Score, feedback.CostUsd, feedback.NormalizedCost, feedback.Reward);
}

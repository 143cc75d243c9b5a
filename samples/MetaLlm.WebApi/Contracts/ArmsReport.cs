namespace MetaLlm.WebApi.Contracts;

/// <summary>The answer of <c>GET /arms</c>: the router's settings and every arm's state.</summary>
/// <param name="Policy">The policy's name.</param>
/// <param name="CostWeight">λ, the weight of normalised cost in the reward.</param>
/// <param name="PendingDecisions">Decisions kept for feedback.</param>
/// <param name="Answered">Answers given through the chat pipeline, over all arms.</param>
/// <param name="Arms">Every arm, in the policy's order.</param>
internal sealed record ArmsReport(string Policy, double CostWeight, int PendingDecisions, long Answered, IReadOnlyList<ArmReport> Arms);

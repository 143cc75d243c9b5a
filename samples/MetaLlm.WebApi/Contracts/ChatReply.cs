namespace MetaLlm.WebApi.Contracts;

/// <summary>The answer of <c>POST /chat</c>.</summary>
/// <param name="DecisionId">The routing decision, to send feedback on with <c>POST /feedback/{decisionId}</c>.</param>
/// <param name="Arm">The arm that answered.</param>
/// <param name="Text">The answer.</param>
/// <param name="CostUsd">What the answer cost in US dollars, or <see langword="null"/> when its usage could not be priced.</param>
internal sealed record ChatReply(string DecisionId, string Arm, string Text, decimal? CostUsd);

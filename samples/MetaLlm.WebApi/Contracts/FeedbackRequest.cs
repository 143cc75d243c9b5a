namespace MetaLlm.WebApi.Contracts;

/// <summary>The body of <c>POST /feedback/{decisionId}</c>.</summary>
/// <param name="Score">How good the answer was, from 0 (wrong) to 1 (fully right).</param>
internal sealed record FeedbackRequest(double? Score);

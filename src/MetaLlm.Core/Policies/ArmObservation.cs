namespace MetaLlm;

/// <summary>What a router observed after an arm answered: the score and the tokens it billed.</summary>
/// <param name="Score">The answer's score, in [0, 1].</param>
/// <param name="Tokens">The tokens the arm billed.</param>
/// <param name="EstimatedInputTokens">
/// The router's estimate of the request's input tokens, made before sending it (see
/// <see cref="InputTokenEstimate"/>); the arm's billed input is learned as a ratio to it.
/// </param>
public readonly record struct ArmObservation(double Score, BilledTokens Tokens, double EstimatedInputTokens);

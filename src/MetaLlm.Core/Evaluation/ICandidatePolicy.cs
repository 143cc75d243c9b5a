namespace MetaLlm;

/// <summary>
/// A frozen policy to evaluate off-policy: for a logged decision's context and eligible arms, the probability with
/// which it would choose each arm. A deterministic policy puts 1 on one arm.
/// </summary>
/// <remarks>
/// The candidate must not learn while it is evaluated: its probabilities must depend only on the decision passed in.
/// <see cref="OffPolicyEvaluator"/> calls it once per decision, from one thread.
/// </remarks>
public interface ICandidatePolicy
{
    /// <summary>Writes the probability of every arm for a logged decision.</summary>
    /// <param name="decision">The logged decision: its <see cref="LoggedDecision.Features"/>, <see cref="LoggedDecision.Eligible"/> arms and <see cref="LoggedDecision.EstimatedInputTokens"/>.</param>
    /// <param name="probabilities">
    /// Receives one probability per arm of <see cref="LoggedDecision.ArmNames"/>: not negative, zero for arms that were
    /// not eligible, summing to 1.
    /// </param>
    void GetProbabilities(LoggedDecision decision, Span<double> probabilities);
}

namespace MetaLlm;

/// <summary>An arm chosen by a policy and the probability with which it was chosen.</summary>
/// <param name="Arm">The index of the chosen arm.</param>
/// <param name="Propensity">
/// The probability in (0, 1] with which the policy chose this arm in this context, for off-policy evaluation.
/// </param>
public readonly record struct PolicyDecision(int Arm, double Propensity);

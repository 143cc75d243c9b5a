namespace MetaLlm;

/// <summary>A policy's estimate of one arm's reward for one context.</summary>
/// <param name="PredictedReward">The expected reward, <c>xᵀθ</c> for linear policies.</param>
/// <param name="Uncertainty">The standard width of the estimate, <c>sqrt(xᵀA⁻¹x)</c> for linear policies.</param>
public readonly record struct ArmEstimate(double PredictedReward, double Uncertainty);

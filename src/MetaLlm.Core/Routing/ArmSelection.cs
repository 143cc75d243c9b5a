namespace MetaLlm;

/// <summary>The outcome of selecting an arm for one request: the context it was decided on and the policy's choice.</summary>
internal readonly record struct ArmSelection(float[] Context, double EstimatedInputTokens, int ArmIndex, double Propensity, double CostWeight, ArmEstimate[]? Estimates);

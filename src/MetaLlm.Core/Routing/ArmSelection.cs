namespace MetaLlm;

/// <summary>The outcome of selecting an arm for one request: the context it was decided on and the policy's choice.</summary>
/// <remarks>The estimates and the eligibility flags are kept for failover: the next-best eligible arm is taken from them.</remarks>
internal readonly record struct ArmSelection(float[] Context, double EstimatedInputTokens, int ArmIndex, double Propensity, double CostWeight, ArmEstimate[] Estimates, bool[] Eligible, IReadOnlyDictionary<string, string>? IneligibleReasons)
{
    /// <summary>Gets what the shadow policy chose, when there is one and it did not fail.</summary>
    public PolicyDecision? Shadow { get; init; }
}

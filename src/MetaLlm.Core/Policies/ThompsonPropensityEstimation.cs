namespace MetaLlm;

/// <summary>How <see cref="ThompsonSamplingPolicy"/> estimates the probability that it chose the arm it chose.</summary>
public enum ThompsonPropensityEstimation
{
    /// <summary>
    /// Numerical integration of <c>P(arm j wins) = E_z[Π_k Φ((μ_j − μ_k + σ_j z) / σ_k)]</c> over 32 equal-probability
    /// strata of z: deterministic, consumes no randomness, and off by at most 1/64 (usually far less).
    /// </summary>
    Integration = 0,

    /// <summary>
    /// Monte Carlo: <see cref="ThompsonSamplingPolicyOptions.PropensitySamples"/> extra posterior draws per decision,
    /// counting how often the chosen arm wins. Slower and noisier; kept for comparison.
    /// </summary>
    Sampling = 1,
}

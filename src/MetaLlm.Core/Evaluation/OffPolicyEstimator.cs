namespace MetaLlm;

/// <summary>The off-policy estimators of <see cref="OffPolicyEvaluator"/>.</summary>
public enum OffPolicyEstimator
{
    /// <summary>Inverse propensity scoring: the mean of <c>π(a|x)/p · outcome</c>; unbiased, high variance.</summary>
    InversePropensity,

    /// <summary>Self-normalised inverse propensity scoring: the weighted outcomes divided by the sum of the weights; slightly biased, lower variance.</summary>
    SelfNormalizedInversePropensity,

    /// <summary>Doubly robust: an outcome model's prediction under the candidate, corrected by the weighted residual of the logged arm.</summary>
    DoublyRobust,
}

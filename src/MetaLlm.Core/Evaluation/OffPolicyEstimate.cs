namespace MetaLlm;

/// <summary>
/// What <see cref="OffPolicyEvaluator"/> estimates a candidate policy would have achieved on the logged requests: its
/// mean score and mean normalised cost with standard errors and 95% intervals, its reward at any λ
/// (<see cref="GetReward"/>), and how much the log can say about it (<see cref="EffectiveSampleSize"/>,
/// <see cref="Warnings"/>).
/// </summary>
public sealed class OffPolicyEstimate
{
    private readonly double _covariance;

    internal OffPolicyEstimate(
        OffPolicyEstimator estimator,
        int count,
        int excludedCount,
        OffPolicyValue score,
        OffPolicyValue cost,
        double covariance,
        double effectiveSampleSize,
        int unsupportedCount,
        IReadOnlyList<string> warnings)
    {
        Estimator = estimator;
        Count = count;
        ExcludedCount = excludedCount;
        Score = score;
        Cost = cost;
        _covariance = covariance;
        EffectiveSampleSize = effectiveSampleSize;
        UnsupportedCount = unsupportedCount;
        Warnings = warnings;
    }

    /// <summary>Gets the estimator that produced the estimate.</summary>
    public OffPolicyEstimator Estimator { get; }

    /// <summary>Gets the number of logged decisions the estimate is computed from.</summary>
    public int Count { get; }

    /// <summary>Gets the number of logged decisions left out because their request failed over to another arm (see <see cref="LoggedDecision.FailedOver"/>).</summary>
    public int ExcludedCount { get; }

    /// <summary>Gets the candidate's estimated mean score.</summary>
    public OffPolicyValue Score { get; }

    /// <summary>Gets the candidate's estimated mean normalised cost.</summary>
    public OffPolicyValue Cost { get; }

    /// <summary>
    /// Gets the effective sample size of the importance weights <c>w = π(a|x)/p</c>, <c>(Σw)²/Σw²</c>: how many
    /// on-policy decisions the log is worth for this candidate. Much less than <see cref="Count"/> means a wide interval.
    /// </summary>
    public double EffectiveSampleSize { get; }

    /// <summary>
    /// Gets the number of decisions logged with propensity 1 (no exploration) where the candidate would have chosen
    /// another arm: the log has no overlap with the candidate there, so no estimator can learn its outcome from them.
    /// </summary>
    public int UnsupportedCount { get; }

    /// <summary>Gets a value indicating whether the log supports the candidate poorly: decisions without overlap, or an effective sample size under a tenth of <see cref="Count"/>.</summary>
    public bool HasPoorOverlap => UnsupportedCount > 0 || EffectiveSampleSize < 0.1 * Count;

    /// <summary>Gets what limits the estimate, in plain words; empty when nothing does.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>
    /// Gets the candidate's estimated mean reward <c>score − λ·normalizedCost</c> at a cost weight, with its interval.
    /// The reward's per-decision terms are the same linear combination of the score's and the cost's, so its standard
    /// error accounts for their covariance.
    /// </summary>
    /// <param name="costWeight">λ; finite and not negative.</param>
    /// <returns>The estimated mean reward.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="costWeight"/> is negative, infinite or not a number.</exception>
    public OffPolicyValue GetReward(double costWeight)
    {
        if (!(costWeight >= 0) || double.IsInfinity(costWeight))
        {
            throw new ArgumentOutOfRangeException(nameof(costWeight), costWeight, "The cost weight must be finite and not negative.");
        }

        double variance = (Score.StandardError * Score.StandardError)
            + (costWeight * costWeight * Cost.StandardError * Cost.StandardError)
            - (2 * costWeight * _covariance);
        return new OffPolicyValue(Score.Estimate - (costWeight * Cost.Estimate), Math.Sqrt(Math.Max(variance, 0)));
    }

    /// <inheritdoc />
    public override string ToString() =>
        FormattableString.Invariant($"{Estimator}: score {Score.Estimate:0.####} [{Score.Lower:0.####}, {Score.Upper:0.####}], cost {Cost.Estimate:0.####} [{Cost.Lower:0.####}, {Cost.Upper:0.####}], n {Count}, effective {EffectiveSampleSize:0.#}");
}

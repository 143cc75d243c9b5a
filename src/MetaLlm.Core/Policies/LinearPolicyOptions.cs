namespace MetaLlm;

/// <summary>Options shared by the linear contextual bandit policies.</summary>
public class LinearPolicyOptions
{
    /// <summary>Gets or sets the ridge penalty λ on each arm's model (<c>A = λI + Σ x xᵀ</c>). Default 1.</summary>
    public double Regularization { get; set; } = 1.0;

    /// <summary>Gets or sets the seed of the policy's random source, for reproducible decisions. Default: unseeded.</summary>
    public int? Seed { get; set; }

    /// <summary>Gets or sets a random source to use instead of one made from <see cref="Seed"/>.</summary>
    public Random? Random { get; set; }

    /// <summary>
    /// Gets or sets the precision decisions are computed in. Default <see cref="DecisionPrecision.Automatic"/>: single
    /// precision from 64 features up, where it halves the memory a decision reads, double precision below. Learning
    /// is always in double precision.
    /// </summary>
    public DecisionPrecision DecisionPrecision { get; set; }

    /// <summary>Checks the options and throws a clear exception naming the first bad value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public virtual void Validate()
    {
        if (!(Regularization > 0) || double.IsInfinity(Regularization))
        {
            throw new ArgumentOutOfRangeException(nameof(Regularization), Regularization, "The ridge regularization must be positive and finite.");
        }

        if (!Enum.IsDefined(DecisionPrecision))
        {
            throw new ArgumentOutOfRangeException(nameof(DecisionPrecision), DecisionPrecision, "Unknown decision precision.");
        }
    }
}

/// <summary>Options of <see cref="LinUcbPolicy"/>.</summary>
public sealed class LinUcbPolicyOptions : LinearPolicyOptions
{
    /// <summary>
    /// Gets or sets α, the weight of the confidence width in <c>xᵀθ + α·sqrt(xᵀA⁻¹x)</c>. Default 1;
    /// 0 is the paper's greedy configuration after warm start.
    /// </summary>
    public double Alpha { get; set; } = 1.0;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (!(Alpha >= 0) || double.IsInfinity(Alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "LinUCB's alpha must be finite and not negative.");
        }
    }
}

/// <summary>Options of <see cref="ThompsonSamplingPolicy"/>.</summary>
public sealed class ThompsonSamplingPolicyOptions : LinearPolicyOptions
{
    /// <summary>
    /// Gets or sets v, the scale of the posterior: each arm's score is drawn from
    /// <c>N(xᵀθ, v²·xᵀA⁻¹x)</c>. Default 1.
    /// </summary>
    public double PosteriorScale { get; set; } = 1.0;

    /// <summary>
    /// Gets or sets how many extra draws estimate the chosen arm's propensity (the probability that Thompson sampling
    /// picks it) when <see cref="PropensityEstimation"/> is <see cref="ThompsonPropensityEstimation.Sampling"/>.
    /// Default 64; 0 skips the estimate, whatever the method, and reports a propensity of 1/arms.
    /// </summary>
    public int PropensitySamples { get; set; } = 64;

    /// <summary>
    /// Gets or sets how the chosen arm's propensity is estimated. Default
    /// <see cref="ThompsonPropensityEstimation.Integration"/>: exact to within 1/64, deterministic and fast.
    /// </summary>
    public ThompsonPropensityEstimation PropensityEstimation { get; set; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (!(PosteriorScale >= 0) || double.IsInfinity(PosteriorScale))
        {
            throw new ArgumentOutOfRangeException(nameof(PosteriorScale), PosteriorScale, "Thompson sampling's posterior scale must be finite and not negative.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(PropensitySamples);
        if (!Enum.IsDefined(PropensityEstimation))
        {
            throw new ArgumentOutOfRangeException(nameof(PropensityEstimation), PropensityEstimation, "Unknown propensity estimation method.");
        }
    }
}

/// <summary>Options of <see cref="EpsilonGreedyPolicy"/>.</summary>
public sealed class EpsilonGreedyPolicyOptions : LinearPolicyOptions
{
    /// <summary>Gets or sets ε, the probability of choosing an arm uniformly at random. Default 0.1.</summary>
    public double Epsilon { get; set; } = 0.1;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (!(Epsilon >= 0 && Epsilon <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, "Epsilon must be between 0 and 1.");
        }
    }
}

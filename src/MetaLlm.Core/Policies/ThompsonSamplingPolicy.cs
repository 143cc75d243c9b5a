using MathNet.Numerics.Distributions;

namespace MetaLlm;

/// <summary>
/// Linear Thompson sampling (Agrawal and Goyal, 2013) with disjoint Gaussian posteriors: for each arm it draws a score
/// from <c>N(xᵀθ_j, v²·xᵀA_j⁻¹x)</c> and chooses the largest.
/// </summary>
/// <remarks>
/// Sampling the score along x is exact for the score's marginal distribution and needs one normal draw per arm,
/// instead of drawing θ from <c>N(θ, v²A⁻¹)</c>, which would factorise a d×d matrix per decision.
/// </remarks>
public sealed class ThompsonSamplingPolicy : LinearBanditPolicy
{
    private readonly double _scale;
    private readonly int _propensitySamples;
    private readonly ThompsonPropensityEstimation _propensityEstimation;

    /// <summary>Initializes a new instance of the <see cref="ThompsonSamplingPolicy"/> class.</summary>
    /// <param name="armCount">The number of arms.</param>
    /// <param name="dimension">The number of features.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    public ThompsonSamplingPolicy(int armCount, int dimension, ThompsonSamplingPolicyOptions? options = null)
        : base(armCount, dimension, options ??= new ThompsonSamplingPolicyOptions())
    {
        _scale = options.PosteriorScale;
        _propensitySamples = options.PropensitySamples;
        _propensityEstimation = options.PropensityEstimation;
    }

    /// <inheritdoc />
    public override string Name => "thompson";

    /// <summary>Gets v, the scale of the posterior.</summary>
    public double PosteriorScale => _scale;

    /// <inheritdoc />
    protected override PolicyDecision Choose(ReadOnlySpan<ArmEstimate> estimates, Random random)
    {
        int k = estimates.Length;
        Span<double> draws = stackalloc double[k];
        Sample(estimates, random, draws);
        var (arm, _) = ArgMax(draws, random);

        if (_propensitySamples == 0)
        {
            return new PolicyDecision(arm, 1.0 / k);
        }

        if (_propensityEstimation == ThompsonPropensityEstimation.Integration)
        {
            return new PolicyDecision(arm, ThompsonPropensity.Estimate(estimates, _scale, arm));
        }

        // P(arm wins) has no closed form; estimate it from fresh draws, counting the decision's own draw so the
        // estimate is never zero for an arm that was actually chosen.
        int wins = 1;
        for (int s = 0; s < _propensitySamples; s++)
        {
            Sample(estimates, random, draws);
            if (ArgMax(draws, random).Index == arm)
            {
                wins++;
            }
        }

        return new PolicyDecision(arm, (double)wins / (_propensitySamples + 1));
    }

    /// <summary>Draws each arm's score from <c>N(xᵀθ_j, v²·xᵀA_j⁻¹x)</c>, one standard normal per arm in arm order.</summary>
    internal void Sample(ReadOnlySpan<ArmEstimate> estimates, Random random, Span<double> draws)
    {
        for (int i = 0; i < estimates.Length; i++)
        {
            draws[i] = estimates[i].PredictedReward + (_scale * estimates[i].Uncertainty * Normal.Sample(random, 0, 1));
        }
    }
}

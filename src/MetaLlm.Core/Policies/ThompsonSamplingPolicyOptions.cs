namespace MetaLlm;

/// <summary>Options of <see cref="ThompsonSamplingPolicy"/>.</summary>
public sealed class ThompsonSamplingPolicyOptions : LinearPolicyOptions
{
    /// <summary>
    /// Gets or sets v, the scale of the posterior: each arm's score is drawn from
    /// <c>N(xᵀθ, v²·xᵀA⁻¹x)</c>. Default 0.5.
    /// </summary>
    public double PosteriorScale { get; set; } = 0.5;

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

    /// <summary>Returns a copy of these options.</summary>
    /// <returns>The copy.</returns>
    public ThompsonSamplingPolicyOptions Clone() => (ThompsonSamplingPolicyOptions)MemberwiseClone();

    /// <inheritdoc />
    protected override void AddSettings(Dictionary<string, double> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings[nameof(PosteriorScale)] = PosteriorScale;
    }

    /// <inheritdoc />
    protected override void AddValidationErrors(List<string> errors)
    {
        base.AddValidationErrors(errors);
        if (!(PosteriorScale >= 0) || double.IsInfinity(PosteriorScale))
        {
            errors.Add($"{nameof(PosteriorScale)} must be finite and not negative, but was {PosteriorScale}.");
        }

        if (PropensitySamples < 0)
        {
            errors.Add($"{nameof(PropensitySamples)} must not be negative, but was {PropensitySamples}.");
        }

        if (!Enum.IsDefined(PropensityEstimation))
        {
            errors.Add($"{nameof(PropensityEstimation)} must be one of {string.Join(", ", Enum.GetNames<ThompsonPropensityEstimation>())}, but was {PropensityEstimation}.");
        }
    }
}

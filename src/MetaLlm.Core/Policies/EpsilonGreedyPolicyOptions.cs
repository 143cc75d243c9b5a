namespace MetaLlm;

/// <summary>Options of <see cref="EpsilonGreedyPolicy"/>.</summary>
public sealed class EpsilonGreedyPolicyOptions : LinearPolicyOptions
{
    /// <summary>Gets or sets ε, the probability of choosing an arm uniformly at random. Default 0.05.</summary>
    public double Epsilon { get; set; } = 0.05;

    /// <summary>Returns a copy of these options.</summary>
    /// <returns>The copy.</returns>
    public EpsilonGreedyPolicyOptions Clone() => (EpsilonGreedyPolicyOptions)MemberwiseClone();

    /// <inheritdoc />
    protected override void AddSettings(Dictionary<string, double> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings[nameof(Epsilon)] = Epsilon;
    }

    /// <inheritdoc />
    protected override void AddValidationErrors(List<string> errors)
    {
        base.AddValidationErrors(errors);
        if (!(Epsilon >= 0 && Epsilon <= 1))
        {
            errors.Add($"{nameof(Epsilon)} must be between 0 and 1, but was {Epsilon}.");
        }
    }
}

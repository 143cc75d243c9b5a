namespace MetaLlm;

/// <summary>Options of <see cref="LinUcbPolicy"/>.</summary>
public sealed class LinUcbPolicyOptions : LinearPolicyOptions
{
    /// <summary>
    /// Gets or sets α, the weight of the confidence width in <c>xᵀθ + α·sqrt(xᵀA⁻¹x)</c>. Default 0.5;
    /// 0 is the paper's greedy configuration after warm start.
    /// </summary>
    public double Alpha { get; set; } = 0.5;

    /// <summary>Returns a copy of these options.</summary>
    /// <returns>The copy.</returns>
    public LinUcbPolicyOptions Clone() => (LinUcbPolicyOptions)MemberwiseClone();

    /// <inheritdoc />
    protected override void AddSettings(Dictionary<string, double> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings[nameof(Alpha)] = Alpha;
    }

    /// <inheritdoc />
    protected override void AddValidationErrors(List<string> errors)
    {
        base.AddValidationErrors(errors);
        if (!(Alpha >= 0) || double.IsInfinity(Alpha))
        {
            errors.Add($"{nameof(Alpha)} must be finite and not negative, but was {Alpha}.");
        }
    }
}

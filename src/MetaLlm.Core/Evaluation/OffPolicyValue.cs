namespace MetaLlm;

/// <summary>An off-policy estimate of one quantity with its standard error and 95% confidence interval (normal approximation).</summary>
/// <param name="Estimate">The estimated mean.</param>
/// <param name="StandardError">The estimate's standard error.</param>
public readonly record struct OffPolicyValue(double Estimate, double StandardError)
{
    /// <summary>The standard normal quantile of a two-sided 95% interval, 1.959963984540054.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>Gets the lower bound of the 95% confidence interval, <c>Estimate − 1.96·StandardError</c>.</summary>
    public double Lower => Estimate - (Z95 * StandardError);

    /// <summary>Gets the upper bound of the 95% confidence interval, <c>Estimate + 1.96·StandardError</c>.</summary>
    public double Upper => Estimate + (Z95 * StandardError);

    /// <summary>Gets whether the 95% confidence interval contains a value.</summary>
    /// <param name="value">The value.</param>
    /// <returns><see langword="true"/> if <paramref name="value"/> lies within [<see cref="Lower"/>, <see cref="Upper"/>].</returns>
    public bool Contains(double value) => value >= Lower && value <= Upper;
}

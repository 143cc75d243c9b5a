namespace MetaLlm;

/// <summary>
/// When an arm's circuit breaker opens and for how long (Polly's model): after <see cref="ConsecutiveFailures"/>
/// retry-worthy failures in a row, or a <see cref="FailureRatio"/> of failures over <see cref="SamplingDuration"/>
/// with at least <see cref="MinimumThroughput"/> attempts, the arm is skipped for <see cref="BreakDuration"/>, then
/// half-open with one trial request.
/// </summary>
public sealed class CircuitBreakerOptions
{
    /// <summary>Gets or sets a value indicating whether breakers are used. Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets how many retry-worthy failures in a row open the breaker. Default 5.</summary>
    public int ConsecutiveFailures { get; set; } = 5;

    /// <summary>Gets or sets the share of failed attempts over <see cref="SamplingDuration"/> that opens the breaker. Default 0.5.</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Gets or sets the window over which <see cref="FailureRatio"/> is measured. Default 30 seconds.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the fewest attempts in the window before <see cref="FailureRatio"/> can open the breaker. Default 10.</summary>
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>Gets or sets how long an open breaker skips its arm. Default 30 seconds.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Returns a copy of these options.</summary>
    /// <returns>The copy.</returns>
    public CircuitBreakerOptions Clone() => (CircuitBreakerOptions)MemberwiseClone();

    /// <summary>Adds a description of each invalid value to <paramref name="errors"/>, prefixed with <paramref name="prefix"/>.</summary>
    internal void AddValidationErrors(List<string> errors, string prefix)
    {
        if (ConsecutiveFailures < 1)
        {
            errors.Add($"{prefix}{nameof(ConsecutiveFailures)} must be at least 1, but was {ConsecutiveFailures}.");
        }

        if (!(FailureRatio > 0 && FailureRatio <= 1))
        {
            errors.Add($"{prefix}{nameof(FailureRatio)} must be in (0, 1], but was {FailureRatio}.");
        }

        if (SamplingDuration <= TimeSpan.Zero)
        {
            errors.Add($"{prefix}{nameof(SamplingDuration)} must be positive, but was {SamplingDuration}.");
        }

        if (MinimumThroughput < 1)
        {
            errors.Add($"{prefix}{nameof(MinimumThroughput)} must be at least 1, but was {MinimumThroughput}.");
        }

        if (BreakDuration <= TimeSpan.Zero)
        {
            errors.Add($"{prefix}{nameof(BreakDuration)} must be positive, but was {BreakDuration}.");
        }
    }
}

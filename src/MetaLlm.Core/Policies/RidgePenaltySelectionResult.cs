namespace MetaLlm;

/// <summary>
/// The ridge penalties a warm start chose for a linear policy's arms, and the cross-validation behind the choice:
/// every candidate penalty's mean squared leave-one-out error of each arm's score model on the warm-start examples.
/// </summary>
public sealed class RidgePenaltySelectionResult
{
    private readonly double[][] _errors;

    internal RidgePenaltySelectionResult(RidgePenaltySelection selection, int exampleCount, double[] candidates, double[][] errors, double[] penalties, double configuredPenalty, double[] configuredErrors)
    {
        Selection = selection;
        ExampleCount = exampleCount;
        Candidates = candidates;
        _errors = errors;
        Penalties = penalties;
        ValidationErrors = [.. penalties.Select((penalty, arm) => errors[arm][Array.IndexOf(candidates, penalty)])];
        ConfiguredPenalty = configuredPenalty;
        ConfiguredValidationErrors = configuredErrors;
    }

    /// <summary>Gets how the penalties were chosen: <see cref="RidgePenaltySelection.PerArm"/> or <see cref="RidgePenaltySelection.Shared"/>.</summary>
    public RidgePenaltySelection Selection { get; }

    /// <summary>
    /// Gets the number of examples the errors were computed on: all of them, or an evenly spaced
    /// <see cref="LinearBanditPolicy.MaxPenaltySelectionExamples"/> of a larger warm start.
    /// </summary>
    public int ExampleCount { get; }

    /// <summary>Gets the penalties that were tried, in increasing order; the configured one is among them.</summary>
    public IReadOnlyList<double> Candidates { get; }

    /// <summary>Gets the chosen penalty of each arm, in arm order.</summary>
    public IReadOnlyList<double> Penalties { get; }

    /// <summary>Gets each arm's mean squared leave-one-out error of its score at its chosen penalty, in arm order.</summary>
    public IReadOnlyList<double> ValidationErrors { get; }

    /// <summary>Gets the configured penalty (<see cref="LinearPolicyOptions.Regularization"/>), the one used without selection.</summary>
    public double ConfiguredPenalty { get; }

    /// <summary>Gets each arm's mean squared leave-one-out error of its score at the configured penalty, in arm order.</summary>
    public IReadOnlyList<double> ConfiguredValidationErrors { get; }

    /// <summary>Gets one arm's mean squared leave-one-out error at every candidate, in the order of <see cref="Candidates"/>.</summary>
    /// <param name="arm">The arm's index.</param>
    /// <returns>The errors.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="arm"/> is not an arm's index.</exception>
    public IReadOnlyList<double> GetValidationErrors(int arm)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(arm);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(arm, _errors.Length);
        return _errors[arm];
    }
}

namespace MetaLlm;

/// <summary>Options shared by the linear contextual bandit policies.</summary>
/// <remarks>
/// These classes are the one place each policy knob and its default are defined: a router configures its built-in
/// policy through the same objects (<see cref="MetaLlmRouterOptions.LinUcb"/>,
/// <see cref="MetaLlmRouterOptions.ThompsonSampling"/>, <see cref="MetaLlmRouterOptions.EpsilonGreedy"/>).
/// </remarks>
public abstract class LinearPolicyOptions
{
    /// <summary>The largest number of features a linear policy accepts: each arm keeps several d×d matrices (about 24·d² bytes).</summary>
    public const int MaxDimension = 4096;

    /// <summary>
    /// Gets or sets the ridge penalty on each arm's model (<c>A = penalty·I + Σ x xᵀ</c>) until a warm start chooses
    /// one from data (see <see cref="PenaltySelection"/>). Default 1, the penalty of a router that learns from scratch.
    /// </summary>
    public double Regularization { get; set; } = 1.0;

    /// <summary>
    /// Gets or sets how a warm start (<see cref="LinearBanditPolicy.FitWithPenaltySelection"/>, and so
    /// <c>MetaLlmRouter.WarmStartAsync</c>) chooses each arm's penalty. Default <see cref="RidgePenaltySelection.PerArm"/>:
    /// by exact leave-one-out cross-validation on the examples, so no penalty tuned on one dataset is imposed on
    /// another. The choice is learned state: snapshots keep it.
    /// </summary>
    public RidgePenaltySelection PenaltySelection { get; set; }

    /// <summary>Gets or sets the seed of the policy's random source, for reproducible decisions. Default: unseeded.</summary>
    public int? Seed { get; set; }

    /// <summary>Gets or sets a random source to use instead of one made from <see cref="Seed"/> (not bindable from configuration).</summary>
    public Random? Random { get; set; }

    /// <summary>
    /// Gets or sets the precision decisions are computed in. Default <see cref="DecisionPrecision.Automatic"/>: single
    /// precision from 64 features up, where it halves the memory a decision reads, double precision below. Learning
    /// is always in double precision.
    /// </summary>
    public DecisionPrecision DecisionPrecision { get; set; }

    /// <summary>Returns a description of every invalid value, each naming its property, or an empty list when the options are valid.</summary>
    /// <returns>The problems found.</returns>
    public IReadOnlyList<string> GetValidationErrors()
    {
        var errors = new List<string>();
        AddValidationErrors(errors);
        return errors;
    }

    /// <summary>Checks the options and throws a clear exception naming every bad value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        var errors = GetValidationErrors();
        if (errors.Count > 0)
        {
            // Every message starts with the property it is about; the first names the parameter.
            throw new ArgumentOutOfRangeException(errors[0][..errors[0].IndexOf(' ', StringComparison.Ordinal)], string.Join(" ", errors));
        }
    }

    /// <summary>Returns the numeric settings by name, for a snapshot's record of what learned.</summary>
    /// <returns>The settings.</returns>
    public IReadOnlyDictionary<string, double> Describe()
    {
        var settings = new Dictionary<string, double>(StringComparer.Ordinal) { [nameof(Regularization)] = Regularization };
        AddSettings(settings);
        return settings;
    }

    /// <summary>Adds the policy's own numeric settings to <paramref name="settings"/>.</summary>
    /// <param name="settings">The settings to add to.</param>
    protected virtual void AddSettings(Dictionary<string, double> settings)
    {
    }

    /// <summary>Adds a description of each invalid value to <paramref name="errors"/>.</summary>
    /// <param name="errors">The list to add to.</param>
    protected virtual void AddValidationErrors(List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!(Regularization > 0) || double.IsInfinity(Regularization))
        {
            errors.Add($"{nameof(Regularization)} must be positive and finite, but was {Regularization}.");
        }

        if (!Enum.IsDefined(PenaltySelection))
        {
            errors.Add($"{nameof(PenaltySelection)} must be one of {string.Join(", ", Enum.GetNames<RidgePenaltySelection>())}, but was {PenaltySelection}.");
        }

        if (!Enum.IsDefined(DecisionPrecision))
        {
            errors.Add($"{nameof(DecisionPrecision)} must be one of {string.Join(", ", Enum.GetNames<DecisionPrecision>())}, but was {DecisionPrecision}.");
        }
    }
}

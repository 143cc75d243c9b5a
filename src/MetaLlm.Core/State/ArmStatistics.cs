namespace MetaLlm;

/// <summary>
/// Everything a router has learned about one arm, as additive sufficient statistics: the score and the cost are
/// learned apart, and the ridge penalty is not included, so statistics of several routers (or of a warm start and
/// online feedback) add up, and λ and the penalty can change without relearning.
/// </summary>
/// <remarks>
/// <para>
/// With <c>G = Σ x xᵀ</c> and a penalty <c>p</c>, the arm's models are <c>θ_score = (G + pI)⁻¹ Σ score·x</c> and
/// <c>θ_output = (G + pI)⁻¹ Σ outputTokens·x</c>: one matrix, two targets. An answer's input tokens cannot be predicted
/// from the (length-normalised) features, so the arm keeps how many input tokens it really billed against the router's
/// estimate of them (<see cref="EstimatedInputTokens"/>), and which shares of them were cached or written to the cache.
/// </para>
/// <para>Arrays are exposed for serialisation; treat a value taken from a router as read-only.</para>
/// </remarks>
#pragma warning disable CA1819 // Properties should not return arrays: this is a plain serialisable value.
public sealed class ArmStatistics
{
    /// <summary>Initializes a new instance of the <see cref="ArmStatistics"/> class with nothing learned.</summary>
    /// <param name="dimension">The number of features; from 1 to <see cref="LinearPolicyOptions.MaxDimension"/>.</param>
    public ArmStatistics(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimension, LinearPolicyOptions.MaxDimension);
        Dimension = dimension;
        Gram = new double[dimension * dimension];
        ScoreTargets = new double[dimension];
        OutputTokenTargets = new double[dimension];
    }

    /// <summary>Gets the number of features.</summary>
    public int Dimension { get; }

    /// <summary>Gets or sets the number of observations learned from.</summary>
    public long Count { get; set; }

    /// <summary>Gets <c>Σ x xᵀ</c> over the observations, row-major d×d, without the ridge penalty.</summary>
    public double[] Gram { get; }

    /// <summary>Gets <c>Σ score·x</c>.</summary>
    public double[] ScoreTargets { get; }

    /// <summary>Gets <c>Σ outputTokens·x</c>.</summary>
    public double[] OutputTokenTargets { get; }

    /// <summary>Gets or sets <c>Σ score</c>.</summary>
    public double ScoreSum { get; set; }

    /// <summary>Gets or sets <c>Σ score²</c>, for the noise scale of the score model.</summary>
    public double ScoreSquares { get; set; }

    /// <summary>Gets or sets the input tokens the arm billed, in all (uncached, cached and written to the cache).</summary>
    public double InputTokens { get; set; }

    /// <summary>Gets or sets the router's estimates of those same requests' input tokens, made before sending them.</summary>
    public double EstimatedInputTokens { get; set; }

    /// <summary>Gets or sets the input tokens read from the prompt cache.</summary>
    public double CachedInputTokens { get; set; }

    /// <summary>Gets or sets the input tokens written to the prompt cache for the short lifetime.</summary>
    public double CacheWriteTokens { get; set; }

    /// <summary>Gets or sets the input tokens written to the prompt cache for the long lifetime.</summary>
    public double LongCacheWriteTokens { get; set; }

    /// <summary>Gets or sets the output tokens the arm billed.</summary>
    public double OutputTokens { get; set; }

    /// <summary>
    /// Gets or sets the ridge penalty chosen for this arm from data (by a self-tuning warm start, see
    /// <see cref="LinearPolicyOptions.PenaltySelection"/>), or <see langword="null"/> when the arm uses the policy's
    /// configured <see cref="LinearPolicyOptions.Regularization"/>. It is a choice, not a sum: adding statistics keeps
    /// this one's penalty, or takes the other's when this has none.
    /// </summary>
    public double? Regularization { get; set; }

    /// <summary>Returns a deep copy.</summary>
    /// <returns>The copy.</returns>
    public ArmStatistics Clone()
    {
        var clone = new ArmStatistics(Dimension);
        clone.Add(this);
        return clone;
    }

    /// <summary>Adds another arm's statistics to these (<paramref name="sign"/> −1 subtracts them).</summary>
    /// <param name="other">The statistics to add, of the same dimension.</param>
    /// <param name="sign">1 to add, −1 to subtract.</param>
    /// <exception cref="ArgumentException">The dimensions differ.</exception>
    public void Add(ArmStatistics other, int sign = 1)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Dimension != Dimension)
        {
            throw new ArgumentException($"Statistics of dimension {other.Dimension} cannot be added to statistics of dimension {Dimension}.", nameof(other));
        }

        if (sign is not (1 or -1))
        {
            throw new ArgumentOutOfRangeException(nameof(sign), sign, "The sign must be 1 or -1.");
        }

        Regularization ??= other.Regularization;
        Count += sign * other.Count;
        AddInto(Gram, other.Gram, sign);
        AddInto(ScoreTargets, other.ScoreTargets, sign);
        AddInto(OutputTokenTargets, other.OutputTokenTargets, sign);
        ScoreSum += sign * other.ScoreSum;
        ScoreSquares += sign * other.ScoreSquares;
        InputTokens += sign * other.InputTokens;
        EstimatedInputTokens += sign * other.EstimatedInputTokens;
        CachedInputTokens += sign * other.CachedInputTokens;
        CacheWriteTokens += sign * other.CacheWriteTokens;
        LongCacheWriteTokens += sign * other.LongCacheWriteTokens;
        OutputTokens += sign * other.OutputTokens;
    }

    /// <summary>Returns a description of every problem that makes these statistics unusable, or an empty list.</summary>
    /// <returns>The problems: non-finite values, a negative count or token sum, a penalty that is not positive, or an asymmetric Gram matrix.</returns>
    /// <remarks>Whether the Gram matrix plus the penalty is positive definite is checked when a policy loads it.</remarks>
    public IReadOnlyList<string> GetValidationErrors()
    {
        var errors = new List<string>();
        if (Count < 0)
        {
            errors.Add($"{nameof(Count)} is negative ({Count}).");
        }

        if (Regularization is { } penalty && (!(penalty > 0) || double.IsInfinity(penalty)))
        {
            errors.Add($"{nameof(Regularization)} must be positive and finite, but was {penalty}.");
        }

        CheckFinite(errors, nameof(Gram), Gram);
        CheckFinite(errors, nameof(ScoreTargets), ScoreTargets);
        CheckFinite(errors, nameof(OutputTokenTargets), OutputTokenTargets);
        foreach (var (name, value) in Scalars())
        {
            if (!double.IsFinite(value))
            {
                errors.Add($"{name} is not finite ({value}).");
            }
            else if (value < 0 && name != nameof(ScoreSum))
            {
                errors.Add($"{name} is negative ({value}).");
            }
        }

        int d = Dimension;
        for (int i = 0; i < d && errors.Count == 0; i++)
        {
            for (int j = i + 1; j < d; j++)
            {
                double a = Gram[(i * d) + j];
                double b = Gram[(j * d) + i];
                if (Math.Abs(a - b) > 1e-9 * (1 + Math.Abs(a)))
                {
                    errors.Add($"{nameof(Gram)} is not symmetric at ({i}, {j}).");
                    break;
                }
            }
        }

        return errors;
    }

    private IEnumerable<(string Name, double Value)> Scalars() =>
    [
        (nameof(ScoreSum), ScoreSum),
        (nameof(ScoreSquares), ScoreSquares),
        (nameof(InputTokens), InputTokens),
        (nameof(EstimatedInputTokens), EstimatedInputTokens),
        (nameof(CachedInputTokens), CachedInputTokens),
        (nameof(CacheWriteTokens), CacheWriteTokens),
        (nameof(LongCacheWriteTokens), LongCacheWriteTokens),
        (nameof(OutputTokens), OutputTokens),
    ];

    private static void CheckFinite(List<string> errors, string name, double[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                errors.Add($"{name}[{i}] is not finite ({values[i]}).");
                return;
            }
        }
    }

    private static void AddInto(double[] target, double[] source, int sign)
    {
        for (int i = 0; i < target.Length; i++)
        {
            target[i] += sign * source[i];
        }
    }
}
#pragma warning restore CA1819

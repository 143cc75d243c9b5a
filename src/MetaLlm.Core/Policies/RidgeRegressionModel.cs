using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace MetaLlm;

/// <summary>
/// The ridge-regression models of one arm: one matrix <c>A = G + pI</c> (with <c>G = Σ x xᵀ</c> and the penalty
/// <c>p</c>) shared by two targets, the score (<c>θ_score = A⁻¹ Σ score·x</c>) and the answer's output tokens
/// (<c>θ_output = A⁻¹ Σ outputTokens·x</c>).
/// </summary>
/// <remarks>
/// The inverse <c>A⁻¹</c> is kept up to date with O(d²) Sherman–Morrison updates, so neither a decision nor an
/// update ever factorises a d×d matrix. <c>G</c> is kept without the penalty, and the targets apart, so statistics
/// add up across routers and the penalty can change (see <see cref="ArmStatistics"/>). This type is not
/// thread-safe; policies guard it.
/// </remarks>
public sealed class RidgeRegressionModel
{
    private const int Score = 0;
    private const int Output = 1;
    private const int TargetCount = 2;

    private readonly double[] _gram;      // G = Σ x xᵀ, row-major d×d, without the penalty
    private readonly double[] _inverse;   // (G + pI)⁻¹, row-major d×d
    private readonly double[] _targets;   // Σ score·x, then Σ outputTokens·x
    private readonly double[] _weights;   // θ_score, then θ_output
    private readonly double[] _scratch;   // A⁻¹ x during an update
    private double[]? _batchScratch;      // the A⁻¹ x_k of a batch, kept between batches

    /// <summary>Initializes a new instance of the <see cref="RidgeRegressionModel"/> class with no observations.</summary>
    /// <param name="dimension">The number of features; from 1 to <see cref="LinearPolicyOptions.MaxDimension"/>.</param>
    /// <param name="regularization">The ridge penalty p added to the diagonal; positive and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public RidgeRegressionModel(int dimension, double regularization)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimension, LinearPolicyOptions.MaxDimension);
        CheckRegularization(regularization);
        Dimension = dimension;
        Regularization = regularization;
        _gram = new double[dimension * dimension];
        _inverse = new double[dimension * dimension];
        _targets = new double[TargetCount * dimension];
        _weights = new double[TargetCount * dimension];
        _scratch = new double[dimension];
        for (int i = 0; i < dimension; i++)
        {
            _inverse[(i * dimension) + i] = 1.0 / regularization;
        }
    }

    /// <summary>Gets the number of features.</summary>
    public int Dimension { get; }

    /// <summary>Gets the ridge penalty p on the diagonal of <c>A</c>.</summary>
    public double Regularization { get; private set; }

    /// <summary>Gets whether <see cref="Regularization"/> was chosen for this model (by a warm start's selection, or restored as chosen) rather than given to its constructor.</summary>
    internal bool IsRegularizationChosen { get; private set; }

    /// <summary>Gets the number of observations the model has learned from.</summary>
    public long ObservationCount { get; private set; }

    /// <summary>Gets the score weights <c>θ_score = A⁻¹ Σ score·x</c>.</summary>
    public ReadOnlySpan<double> ScoreWeights => _weights.AsSpan(Score * Dimension, Dimension);

    /// <summary>Gets the output-token weights <c>θ_output = A⁻¹ Σ outputTokens·x</c>.</summary>
    public ReadOnlySpan<double> OutputTokenWeights => _weights.AsSpan(Output * Dimension, Dimension);

    /// <summary>Gets <c>G = Σ x xᵀ</c>, row-major, without the penalty.</summary>
    public ReadOnlySpan<double> Gram => _gram;

    /// <summary>Gets <c>Σ score·x</c>.</summary>
    public ReadOnlySpan<double> ScoreTargets => _targets.AsSpan(Score * Dimension, Dimension);

    /// <summary>Gets <c>Σ outputTokens·x</c>.</summary>
    public ReadOnlySpan<double> OutputTokenTargets => _targets.AsSpan(Output * Dimension, Dimension);

    /// <summary>Gets <c>A⁻¹ = (G + pI)⁻¹</c>, row-major.</summary>
    public ReadOnlySpan<double> Inverse => _inverse;

    /// <summary>Predicts the score of a context: <c>xᵀθ_score</c>.</summary>
    /// <param name="context">The context vector x, of length <see cref="Dimension"/>.</param>
    /// <returns>The predicted score.</returns>
    public double PredictScore(ReadOnlySpan<double> context)
    {
        CheckLength(context);
        return TensorPrimitives.Dot(context, ScoreWeights);
    }

    /// <summary>Predicts the output tokens of an answer to a context: <c>xᵀθ_output</c> (not clipped at zero).</summary>
    /// <param name="context">The context vector x, of length <see cref="Dimension"/>.</param>
    /// <returns>The predicted output tokens.</returns>
    public double PredictOutputTokens(ReadOnlySpan<double> context)
    {
        CheckLength(context);
        return TensorPrimitives.Dot(context, OutputTokenWeights);
    }

    /// <summary>Computes <c>xᵀA⁻¹x</c>, the squared width of the confidence ellipsoid along x.</summary>
    /// <param name="context">The context vector x, of length <see cref="Dimension"/>.</param>
    /// <returns>The quadratic form, never negative.</returns>
    public double QuadraticForm(ReadOnlySpan<double> context)
    {
        CheckLength(context);
        int d = Dimension;
        ReadOnlySpan<double> inverse = _inverse;
        double sum = 0;
        for (int i = 0; i < d; i++)
        {
            double xi = context[i];
            if (xi != 0)
            {
                sum += xi * TensorPrimitives.Dot(inverse.Slice(i * d, d), context);
            }
        }

        // Rounding can make a tiny positive value negative; the true value is positive.
        return Math.Max(sum, 0);
    }

    /// <summary>Adds one observation: <c>G += x xᵀ</c>, the targets, and refreshes <c>A⁻¹</c> and θ in O(d²).</summary>
    /// <param name="context">The context vector x, of length <see cref="Dimension"/>; finite.</param>
    /// <param name="score">The observed score; finite.</param>
    /// <param name="outputTokens">The answer's output tokens; finite.</param>
    /// <exception cref="ArgumentException">The context has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The score or the tokens are not finite.</exception>
    public void Update(ReadOnlySpan<double> context, double score, double outputTokens)
    {
        CheckLength(context);
        CheckFinite(score, nameof(score));
        CheckFinite(outputTokens, nameof(outputTokens));
        int d = Dimension;
        Span<double> inverseX = _scratch;
        for (int i = 0; i < d; i++)
        {
            inverseX[i] = TensorPrimitives.Dot(new ReadOnlySpan<double>(_inverse, i * d, d), context);
        }

        double denominator = 1 + TensorPrimitives.Dot(context, inverseX);
        for (int i = 0; i < d; i++)
        {
            // Sherman–Morrison: A⁻¹ -= (A⁻¹x)(A⁻¹x)ᵀ / (1 + xᵀA⁻¹x); G += x xᵀ.
            double scaled = -inverseX[i] / denominator;
            if (scaled != 0)
            {
                Span<double> row = _inverse.AsSpan(i * d, d);
                TensorPrimitives.MultiplyAdd(inverseX, scaled, row, row);
            }

            double xi = context[i];
            if (xi != 0)
            {
                Span<double> gramRow = _gram.AsSpan(i * d, d);
                TensorPrimitives.MultiplyAdd(context, xi, gramRow, gramRow);
            }
        }

        AddTargets(context, score, outputTokens);
        RefreshWeights();
        ObservationCount++;
    }

    /// <summary>
    /// Adds several observations in order, with the same result as calling <see cref="Update"/> for each, but in
    /// one pass over <c>A⁻¹</c> and <c>G</c> instead of one per observation (Woodbury's identity applied step by step).
    /// </summary>
    /// <param name="contexts">The context vectors, row-major: <paramref name="count"/> × <see cref="Dimension"/>; finite.</param>
    /// <param name="scores">The scores, <paramref name="count"/> of them; finite.</param>
    /// <param name="outputTokens">The output tokens, <paramref name="count"/> of them; finite.</param>
    /// <param name="count">The number of observations.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The count is negative or a score or token count is not finite.</exception>
    public void AddObservations(ReadOnlySpan<double> contexts, ReadOnlySpan<double> scores, ReadOnlySpan<double> outputTokens, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int d = Dimension;
        if (contexts.Length != (long)count * d)
        {
            throw new ArgumentException($"Expected {count} contexts of {d} features ({(long)count * d} values), got {contexts.Length}.", nameof(contexts));
        }

        if (scores.Length != count || outputTokens.Length != count)
        {
            throw new ArgumentException($"Expected {count} scores and {count} output token counts, got {scores.Length} and {outputTokens.Length}.", nameof(scores));
        }

        for (int k = 0; k < count; k++)
        {
            CheckFinite(scores[k], nameof(scores));
            CheckFinite(outputTokens[k], nameof(outputTokens));
        }

        if (count == 0)
        {
            return;
        }

        if (count == 1)
        {
            Update(contexts, scores[0], outputTokens[0]);
            return;
        }

        // u_k = A_{k-1}⁻¹ x_k = A_0⁻¹ x_k − Σ_{l<k} u_l (u_lᵀ x_k) / c_l, with c_l = 1 + x_lᵀ u_l; then
        // A_count⁻¹ = A_0⁻¹ − Σ_k u_k u_kᵀ / c_k. Each row of the matrices is read once for all k.
        if (_batchScratch is null || _batchScratch.Length < count * d)
        {
            _batchScratch = new double[count * d];
        }

        double[] u = _batchScratch;
        Span<double> scales = count <= 256 ? stackalloc double[count] : new double[count];
        for (int i = 0; i < d; i++)
        {
            ReadOnlySpan<double> row = new(_inverse, i * d, d);
            for (int k = 0; k < count; k++)
            {
                u[(k * d) + i] = TensorPrimitives.Dot(row, contexts.Slice(k * d, d));
            }
        }

        for (int k = 0; k < count; k++)
        {
            Span<double> uk = u.AsSpan(k * d, d);
            ReadOnlySpan<double> xk = contexts.Slice(k * d, d);
            for (int l = 0; l < k; l++)
            {
                ReadOnlySpan<double> ul = u.AsSpan(l * d, d);
                TensorPrimitives.MultiplyAdd(ul, -TensorPrimitives.Dot(ul, xk) * scales[l], uk, uk);
            }

            scales[k] = 1 / (1 + TensorPrimitives.Dot(xk, uk));
        }

        for (int i = 0; i < d; i++)
        {
            Span<double> row = _inverse.AsSpan(i * d, d);
            Span<double> gramRow = _gram.AsSpan(i * d, d);
            for (int k = 0; k < count; k++)
            {
                ReadOnlySpan<double> uk = u.AsSpan(k * d, d);
                double scaled = -uk[i] * scales[k];
                if (scaled != 0)
                {
                    TensorPrimitives.MultiplyAdd(uk, scaled, row, row);
                }

                ReadOnlySpan<double> xk = contexts.Slice(k * d, d);
                double xi = xk[i];
                if (xi != 0)
                {
                    TensorPrimitives.MultiplyAdd(xk, xi, gramRow, gramRow);
                }
            }
        }

        for (int k = 0; k < count; k++)
        {
            AddTargets(contexts.Slice(k * d, d), scores[k], outputTokens[k]);
        }

        RefreshWeights();
        ObservationCount += count;
    }

    /// <summary>
    /// Adds many observations at once (<c>G += Σ x xᵀ</c> and the targets) and recomputes <c>A⁻¹</c> by a Cholesky
    /// factorisation, which is faster and more accurate than one Sherman–Morrison step per observation.
    /// </summary>
    /// <param name="gramIncrement">Σ x xᵀ over the observations, row-major d×d.</param>
    /// <param name="scoreTargetIncrement">Σ score·x over the observations.</param>
    /// <param name="outputTokenTargetIncrement">Σ outputTokens·x over the observations.</param>
    /// <param name="count">The number of observations.</param>
    /// <exception cref="ArgumentException">A span has the wrong length, or <c>G + pI</c> is not positive definite.</exception>
    public void AddBatch(ReadOnlySpan<double> gramIncrement, ReadOnlySpan<double> scoreTargetIncrement, ReadOnlySpan<double> outputTokenTargetIncrement, long count) =>
        AddBatch(gramIncrement, scoreTargetIncrement, outputTokenTargetIncrement, count, null);

    /// <summary>
    /// Adds a batch like the public overload; when <paramref name="sameGramCandidate"/> ends with exactly the same
    /// <c>G</c> and penalty, its <c>A⁻¹</c> is copied instead of factorising again.
    /// </summary>
    internal void AddBatch(ReadOnlySpan<double> gramIncrement, ReadOnlySpan<double> scoreTargetIncrement, ReadOnlySpan<double> outputTokenTargetIncrement, long count, RidgeRegressionModel? sameGramCandidate)
    {
        int d = Dimension;
        if (gramIncrement.Length != d * d || scoreTargetIncrement.Length != d || outputTokenTargetIncrement.Length != d)
        {
            throw new ArgumentException($"The batch must have a {d}×{d} Gram increment and target increments of length {d}.", nameof(gramIncrement));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(count);
        TensorPrimitives.Add(_gram, gramIncrement, _gram);
        Span<double> scoreTargets = _targets.AsSpan(Score * d, d);
        Span<double> outputTargets = _targets.AsSpan(Output * d, d);
        TensorPrimitives.Add(scoreTargets, scoreTargetIncrement, scoreTargets);
        TensorPrimitives.Add(outputTargets, outputTokenTargetIncrement, outputTargets);
        ObservationCount += count;
        if (sameGramCandidate is not null && sameGramCandidate.Dimension == d && sameGramCandidate.Regularization == Regularization && _gram.AsSpan().SequenceEqual(sameGramCandidate._gram))
        {
            sameGramCandidate._inverse.CopyTo(_inverse, 0);
            RefreshWeights();
        }
        else
        {
            Refactorize();
        }
    }

    /// <summary>Recomputes <c>A⁻¹</c> from <c>G + pI</c> by Cholesky factorisation and refreshes θ.</summary>
    /// <exception cref="ArgumentException"><c>G + pI</c> is not positive definite (the model is left unchanged).</exception>
    public void Refactorize()
    {
        var inverse = Invert(_gram, Regularization, Dimension);
        inverse.CopyTo(_inverse, 0);
        RefreshWeights();
    }

    /// <summary>Sets the penalty the next <see cref="AddBatch(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, long, RidgeRegressionModel?)"/> factorises with, without recomputing anything now.</summary>
    internal void SetRegularizationBeforeBatch(double regularization)
    {
        CheckRegularization(regularization);
        Regularization = regularization;
        IsRegularizationChosen = true;
    }

    /// <summary>Copies this model's sums (<c>G</c>, the targets and the count) into <paramref name="destination"/>.</summary>
    /// <param name="destination">Statistics of the same dimension; their scalar sums are left as they are.</param>
    /// <exception cref="ArgumentException">The dimension differs.</exception>
    public void ExportTo(ArmStatistics destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        CheckDimension(destination);
        _gram.CopyTo(destination.Gram, 0);
        ScoreTargets.CopyTo(destination.ScoreTargets);
        OutputTokenTargets.CopyTo(destination.OutputTokenTargets);
        destination.Count = ObservationCount;
    }

    /// <summary>Replaces this model's sums by those of <paramref name="statistics"/> and recomputes <c>A⁻¹</c> and θ.</summary>
    /// <param name="statistics">The statistics, of the same dimension.</param>
    /// <exception cref="ArgumentException">The dimension differs, or <c>G + pI</c> is not positive definite; nothing changes then.</exception>
    public void ImportFrom(ArmStatistics statistics) => Apply(statistics, PrepareImport(statistics, null));

    /// <summary>
    /// Computes <c>(G + pI)⁻¹</c> for statistics about to be imported, checking them; when <paramref name="previous"/>
    /// holds the same <c>G</c> (arms of one warm start), its inverse is reused instead of factorising again.
    /// </summary>
    internal double[] PrepareImport(ArmStatistics statistics, (ArmStatistics Statistics, double[] Inverse)? previous) =>
        PrepareImport(statistics, Regularization, previous);

    /// <summary>Computes <c>(G + pI)⁻¹</c> with the penalty <paramref name="regularization"/>; <paramref name="previous"/> must have been prepared with the same penalty.</summary>
    internal double[] PrepareImport(ArmStatistics statistics, double regularization, (ArmStatistics Statistics, double[] Inverse)? previous)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        CheckDimension(statistics);
        CheckRegularization(regularization);
        return previous is { } prior && prior.Statistics.Gram.AsSpan().SequenceEqual(statistics.Gram)
            ? prior.Inverse
            : Invert(statistics.Gram, regularization, Dimension);
    }

    /// <summary>Replaces this model's sums and penalty with checked statistics and their inverse prepared with that penalty; <paramref name="chosen"/> says whether the penalty was chosen rather than configured.</summary>
    internal void Apply(ArmStatistics statistics, double regularization, bool chosen, double[] inverse)
    {
        Regularization = regularization;
        IsRegularizationChosen = chosen;
        Apply(statistics, inverse);
    }

    /// <summary>Replaces this model's sums with checked statistics and their prepared inverse.</summary>
    internal void Apply(ArmStatistics statistics, double[] inverse)
    {
        statistics.Gram.CopyTo(_gram, 0);
        statistics.ScoreTargets.CopyTo(_targets, Score * Dimension);
        statistics.OutputTokenTargets.CopyTo(_targets, Output * Dimension);
        ObservationCount = statistics.Count;
        inverse.CopyTo(_inverse, 0);
        RefreshWeights();
    }

    // MathNet stores matrices column by column; ours are row by row, so both are transposed on the way.
    private static double[] Invert(double[] gram, double regularization, int d)
    {
        var columnMajor = new double[d * d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                columnMajor[(j * d) + i] = gram[(i * d) + j] + (i == j ? regularization : 0);
            }
        }

        var matrix = Matrix<double>.Build.Dense(d, d, columnMajor);
        MathNet.Numerics.LinearAlgebra.Factorization.Cholesky<double> cholesky;
        try
        {
            cholesky = matrix.Cholesky();
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException("The Gram matrix plus the ridge penalty is not positive definite.", nameof(gram), ex);
        }

        double[] solved = cholesky.Solve(Matrix<double>.Build.DenseIdentity(d)).AsColumnMajorArray();
        var inverse = new double[d * d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                double value = solved[(j * d) + i];
                if (!double.IsFinite(value))
                {
                    throw new ArgumentException("The Gram matrix plus the ridge penalty is not positive definite.", nameof(gram));
                }

                inverse[(i * d) + j] = value;
            }
        }

        return inverse;
    }

    private void AddTargets(ReadOnlySpan<double> context, double score, double outputTokens)
    {
        int d = Dimension;
        Span<double> scoreTargets = _targets.AsSpan(Score * d, d);
        Span<double> outputTargets = _targets.AsSpan(Output * d, d);
        TensorPrimitives.MultiplyAdd(context, score, scoreTargets, scoreTargets);
        TensorPrimitives.MultiplyAdd(context, outputTokens, outputTargets, outputTargets);
    }

    private void RefreshWeights()
    {
        int d = Dimension;
        for (int t = 0; t < TargetCount; t++)
        {
            ReadOnlySpan<double> targets = _targets.AsSpan(t * d, d);
            for (int i = 0; i < d; i++)
            {
                _weights[(t * d) + i] = TensorPrimitives.Dot(new ReadOnlySpan<double>(_inverse, i * d, d), targets);
            }
        }
    }

    private static void CheckRegularization(double regularization)
    {
        if (!(regularization > 0) || double.IsInfinity(regularization))
        {
            throw new ArgumentOutOfRangeException(nameof(regularization), regularization, "The ridge regularization must be positive and finite.");
        }
    }

    private void CheckDimension(ArmStatistics statistics)
    {
        if (statistics.Dimension != Dimension)
        {
            throw new ArgumentException($"The statistics have dimension {statistics.Dimension}, but this model has dimension {Dimension}.", nameof(statistics));
        }
    }

    private void CheckLength(ReadOnlySpan<double> context)
    {
        if (context.Length != Dimension)
        {
            throw new ArgumentException($"The context has {context.Length} features, but the model has {Dimension}.", nameof(context));
        }
    }

    private static void CheckFinite(double value, string name)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, "The value must be a finite number.");
        }
    }
}

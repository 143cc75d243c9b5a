using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace MetaLlm;

/// <summary>
/// A ridge-regression reward model for one arm: <c>A = λI + Σ x xᵀ</c>, <c>b = Σ r x</c>, <c>θ = A⁻¹ b</c>.
/// </summary>
/// <remarks>
/// The inverse <c>A⁻¹</c> is kept up to date with O(d²) Sherman–Morrison updates, so neither a decision nor an
/// update ever factorises a d×d matrix. <c>A</c> and <c>b</c> are kept too: they are additive, so the state of
/// several routers can be merged. This type is not thread-safe; policies guard it.
/// </remarks>
public sealed class RidgeRegressionModel
{
    private readonly double[] _gram;      // A = λI + Σ x xᵀ, row-major d×d
    private readonly double[] _inverse;   // A⁻¹, row-major d×d
    private readonly double[] _targets;   // b = Σ r x
    private readonly double[] _weights;   // θ = A⁻¹ b
    private readonly double[] _scratch;   // A⁻¹ x during an update
    private double[]? _batchScratch;      // the A⁻¹ x_k of a batch, kept between batches

    /// <summary>Initializes a new instance of the <see cref="RidgeRegressionModel"/> class with no observations.</summary>
    /// <param name="dimension">The number of features; at least 1.</param>
    /// <param name="regularization">The ridge penalty λ added to the diagonal; positive and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public RidgeRegressionModel(int dimension, double regularization)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimension, LinearPolicyOptions.MaxDimension);
        if (!(regularization > 0) || double.IsInfinity(regularization))
        {
            throw new ArgumentOutOfRangeException(nameof(regularization), regularization, "The ridge regularization must be positive and finite.");
        }

        Dimension = dimension;
        Regularization = regularization;
        _gram = new double[dimension * dimension];
        _inverse = new double[dimension * dimension];
        _targets = new double[dimension];
        _weights = new double[dimension];
        _scratch = new double[dimension];
        for (int i = 0; i < dimension; i++)
        {
            _gram[(i * dimension) + i] = regularization;
            _inverse[(i * dimension) + i] = 1.0 / regularization;
        }
    }

    /// <summary>Gets the number of features.</summary>
    public int Dimension { get; }

    /// <summary>Gets the ridge penalty λ on the diagonal of <c>A</c>.</summary>
    public double Regularization { get; }

    /// <summary>Gets the number of observations the model has learned from.</summary>
    public long ObservationCount { get; private set; }

    /// <summary>Gets the current weights <c>θ = A⁻¹ b</c>.</summary>
    public ReadOnlySpan<double> Weights => _weights;

    /// <summary>Gets <c>A = λI + Σ x xᵀ</c>, row-major.</summary>
    public ReadOnlySpan<double> Gram => _gram;

    /// <summary>Gets <c>b = Σ r x</c>.</summary>
    public ReadOnlySpan<double> Targets => _targets;

    /// <summary>Gets <c>A⁻¹</c>, row-major.</summary>
    public ReadOnlySpan<double> Inverse => _inverse;

    /// <summary>Predicts the reward of a context: <c>xᵀθ</c>.</summary>
    /// <param name="context">The context vector x, of length <see cref="Dimension"/>.</param>
    /// <returns>The predicted reward.</returns>
    public double Predict(ReadOnlySpan<double> context)
    {
        CheckLength(context);
        return TensorPrimitives.Dot(context, _weights);
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

    /// <summary>Adds one observation: <c>A += x xᵀ</c>, <c>b += r x</c>, and refreshes <c>A⁻¹</c> and <c>θ</c> in O(d²).</summary>
    /// <param name="context">The context vector x, of length <see cref="Dimension"/>; finite.</param>
    /// <param name="reward">The observed reward r; finite.</param>
    /// <exception cref="ArgumentException">The context has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The reward is not finite.</exception>
    public void Update(ReadOnlySpan<double> context, double reward)
    {
        CheckLength(context);
        if (!double.IsFinite(reward))
        {
            throw new ArgumentOutOfRangeException(nameof(reward), reward, "The reward must be a finite number.");
        }

        int d = Dimension;
        Span<double> inverseX = _scratch;
        for (int i = 0; i < d; i++)
        {
            inverseX[i] = TensorPrimitives.Dot(new ReadOnlySpan<double>(_inverse, i * d, d), context);
        }

        double denominator = 1 + TensorPrimitives.Dot(context, inverseX);
        for (int i = 0; i < d; i++)
        {
            // Sherman–Morrison: A⁻¹ -= (A⁻¹x)(A⁻¹x)ᵀ / (1 + xᵀA⁻¹x); A += x xᵀ.
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

        TensorPrimitives.MultiplyAdd(context, reward, _targets, _targets);
        RefreshWeights();
        ObservationCount++;
    }

    /// <summary>
    /// Adds several observations in order, with the same result as calling <see cref="Update"/> for each, but in
    /// one pass over <c>A⁻¹</c> and <c>A</c> instead of one per observation (Woodbury's identity applied step by step).
    /// </summary>
    /// <param name="contexts">The context vectors, row-major: <paramref name="count"/> × <see cref="Dimension"/>; finite.</param>
    /// <param name="rewards">The rewards, <paramref name="count"/> of them; finite.</param>
    /// <param name="count">The number of observations.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The count is negative or a reward is not finite.</exception>
    public void AddObservations(ReadOnlySpan<double> contexts, ReadOnlySpan<double> rewards, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int d = Dimension;
        if (contexts.Length != (long)count * d)
        {
            throw new ArgumentException($"Expected {count} contexts of {d} features ({(long)count * d} values), got {contexts.Length}.", nameof(contexts));
        }

        if (rewards.Length != count)
        {
            throw new ArgumentException($"Expected {count} rewards, got {rewards.Length}.", nameof(rewards));
        }

        for (int k = 0; k < count; k++)
        {
            if (!double.IsFinite(rewards[k]))
            {
                throw new ArgumentOutOfRangeException(nameof(rewards), rewards[k], $"Reward {k} is not a finite number.");
            }
        }

        if (count == 0)
        {
            return;
        }

        if (count == 1)
        {
            Update(contexts, rewards[0]);
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
            TensorPrimitives.MultiplyAdd(contexts.Slice(k * d, d), rewards[k], _targets, _targets);
        }

        RefreshWeights();
        ObservationCount += count;
    }

    /// <summary>
    /// Adds many observations at once (<c>A += Σ x xᵀ</c>, <c>b += Σ r x</c>) and recomputes <c>A⁻¹</c> by a
    /// Cholesky factorisation, which is faster and more accurate than one Sherman–Morrison step per observation.
    /// </summary>
    /// <param name="gramIncrement">Σ x xᵀ over the observations, row-major d×d.</param>
    /// <param name="targetIncrement">Σ r x over the observations.</param>
    /// <param name="count">The number of observations.</param>
    public void AddBatch(ReadOnlySpan<double> gramIncrement, ReadOnlySpan<double> targetIncrement, long count) =>
        AddBatch(gramIncrement, targetIncrement, count, null);

    /// <summary>
    /// Adds a batch like <see cref="AddBatch(ReadOnlySpan{double}, ReadOnlySpan{double}, long)"/>; when
    /// <paramref name="sameGramCandidate"/> ends with exactly the same <c>A</c>, its <c>A⁻¹</c> is copied instead of
    /// factorising again.
    /// </summary>
    internal void AddBatch(ReadOnlySpan<double> gramIncrement, ReadOnlySpan<double> targetIncrement, long count, RidgeRegressionModel? sameGramCandidate)
    {
        int d = Dimension;
        if (gramIncrement.Length != d * d || targetIncrement.Length != d)
        {
            throw new ArgumentException($"The batch must have a {d}×{d} Gram increment and a target increment of length {d}.", nameof(gramIncrement));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(count);
        TensorPrimitives.Add(_gram, gramIncrement, _gram);
        TensorPrimitives.Add(_targets, targetIncrement, _targets);
        ObservationCount += count;
        if (sameGramCandidate is not null && sameGramCandidate.Dimension == d && _gram.AsSpan().SequenceEqual(sameGramCandidate._gram))
        {
            sameGramCandidate._inverse.CopyTo(_inverse, 0);
            RefreshWeights();
        }
        else
        {
            Refactorize();
        }
    }

    /// <summary>Recomputes <c>A⁻¹</c> from <c>A</c> by Cholesky factorisation and refreshes θ.</summary>
    public void Refactorize()
    {
        int d = Dimension;

        // MathNet stores matrices column by column; ours are row by row, so both are transposed on the way. (A is
        // symmetric when built by this class, but an imported state need not be, and A⁻¹ is symmetric only up to rounding.)
        var columnMajor = new double[d * d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                columnMajor[(j * d) + i] = _gram[(i * d) + j];
            }
        }

        var gram = Matrix<double>.Build.Dense(d, d, columnMajor);
        double[] inverse = gram.Cholesky().Solve(Matrix<double>.Build.DenseIdentity(d)).AsColumnMajorArray();
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                _inverse[(i * d) + j] = inverse[(j * d) + i];
            }
        }

        RefreshWeights();
    }

    /// <summary>Copies this model's state (A, b and count) into a serialisable value.</summary>
    /// <returns>The state.</returns>
    public RidgeModelState ExportState() => new(Dimension, Regularization, ObservationCount, _gram.ToArray(), _targets.ToArray());

    /// <summary>Replaces this model's state by <paramref name="state"/> and recomputes <c>A⁻¹</c> and θ.</summary>
    /// <param name="state">The state, with the same dimension.</param>
    /// <exception cref="ArgumentException">The state does not fit this model.</exception>
    public void ImportState(RidgeModelState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Dimension != Dimension || state.Gram.Length != Dimension * Dimension || state.Targets.Length != Dimension)
        {
            throw new ArgumentException($"The state has dimension {state.Dimension}, but this model has dimension {Dimension}.", nameof(state));
        }

        state.Gram.AsSpan().CopyTo(_gram);
        state.Targets.AsSpan().CopyTo(_targets);
        ObservationCount = state.ObservationCount;
        Refactorize();
    }

    private void RefreshWeights()
    {
        int d = Dimension;
        for (int i = 0; i < d; i++)
        {
            _weights[i] = TensorPrimitives.Dot(new ReadOnlySpan<double>(_inverse, i * d, d), _targets);
        }
    }

    private void CheckLength(ReadOnlySpan<double> context)
    {
        if (context.Length != Dimension)
        {
            throw new ArgumentException($"The context has {context.Length} features, but the model has {Dimension}.", nameof(context));
        }
    }
}

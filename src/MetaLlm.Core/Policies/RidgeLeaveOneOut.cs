using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace MetaLlm;

/// <summary>
/// Exact leave-one-out errors of ridge regression for many penalties at once, from one eigendecomposition.
/// </summary>
/// <remarks>
/// <para>
/// With the thin eigendecomposition <c>X Xᵀ = U S Uᵀ</c> (U: n×r with orthonormal columns), the hat matrix of the
/// penalty p is <c>H = U diag(s/(s+p)) Uᵀ</c>, and the error on example i of the model fitted without it is
/// <c>(yᵢ − ŷᵢ)/(1 − Hᵢᵢ)</c>: no refit per example or per penalty. U comes from the smaller of the two Gram matrices:
/// <c>Xᵀ X = V S Vᵀ</c> gives <c>U = X V S^{-1/2}</c> when there are more examples than features, <c>X Xᵀ</c> directly
/// otherwise. Every arm of a full-information warm start shares X, so they share the decomposition and the Hᵢᵢ.
/// </para>
/// <para>Cost: O(n·d·min(n, d) + min(n, d)³) once, in the constructor, then O(n·min(n, d)·(k + 1)) per penalty for k targets.</para>
/// </remarks>
internal sealed class RidgeLeaveOneOut
{
    // Directions with less than this share of the largest eigenvalue carry no information (and no division).
    private const double RelativeEigenvalueFloor = 1e-12;

    private readonly int _count;          // n
    private readonly int _rank;           // r
    private readonly int _targetCount;    // k
    private readonly double[] _u;         // U, row-major n × r
    private readonly double[] _uSquared;  // U∘U, row-major n × r
    private readonly double[] _eigenvalues;
    private readonly double[] _targets;   // y, row-major n × k
    private readonly double[] _projected; // Uᵀy, one row of r per target: k × r

    /// <summary>Decomposes the examples once, for any number of penalties.</summary>
    /// <param name="contexts">The examples' features, row-major n × d.</param>
    /// <param name="targets">The targets, row-major n × k (example i's target of model j at i·k + j).</param>
    /// <param name="count">The number of examples n.</param>
    /// <param name="dimension">The number of features d.</param>
    /// <param name="targetCount">The number of targets k.</param>
    public RidgeLeaveOneOut(ReadOnlySpan<float> contexts, ReadOnlySpan<double> targets, int count, int dimension, int targetCount)
    {
        int n = count;
        int d = dimension;
        _count = n;
        _targetCount = targetCount;
        var x = new double[n * d];
        TensorPrimitives.ConvertTruncating<float, double>(contexts[..(n * d)], x);

        // Only the decomposition goes through MathNet; the products around it are SIMD dot products on rows.
        (_u, _eigenvalues) = n <= d ? FromExampleGram(x, n, d) : FromFeatureGram(x, n, d);
        int r = _rank = _eigenvalues.Length;
        _uSquared = new double[_u.Length];
        TensorPrimitives.Multiply(_u, _u, _uSquared);
        _targets = targets[..(n * targetCount)].ToArray();
        _projected = new double[targetCount * r];
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<double> row = _u.AsSpan(i * r, r);
            for (int t = 0; t < targetCount; t++)
            {
                Span<double> projected = _projected.AsSpan(t * r, r);
                TensorPrimitives.MultiplyAdd(row, _targets[(i * targetCount) + t], projected, projected);
            }
        }
    }

    /// <summary>Computes every target's mean squared leave-one-out error at one penalty.</summary>
    /// <param name="penalty">The ridge penalty; positive.</param>
    /// <returns>One error per target.</returns>
    public double[] MeanSquaredErrors(double penalty)
    {
        int n = _count;
        int r = _rank;
        int k = _targetCount;
        var shrink = new double[r];
        for (int j = 0; j < r; j++)
        {
            shrink[j] = _eigenvalues[j] / (_eigenvalues[j] + penalty);
        }

        // The fitted values are U·(shrink ∘ Uᵀy), the leverages Hᵢᵢ = Σⱼ Uᵢⱼ²·shrinkⱼ.
        var scaled = new double[k * r];
        for (int t = 0; t < k; t++)
        {
            TensorPrimitives.Multiply(_projected.AsSpan(t * r, r), shrink, scaled.AsSpan(t * r, r));
        }

        var errors = new double[k];
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<double> row = _u.AsSpan(i * r, r);
            double leverage = TensorPrimitives.Dot(_uSquared.AsSpan(i * r, r), shrink);
            for (int t = 0; t < k; t++)
            {
                double fitted = TensorPrimitives.Dot(row, scaled.AsSpan(t * r, r));
                double error = (_targets[(i * k) + t] - fitted) / (1 - leverage);
                errors[t] += error * error;
            }
        }

        for (int t = 0; t < k; t++)
        {
            errors[t] /= n;
        }

        return errors;
    }

    // X Xᵀ = U S Uᵀ directly: U is the kept eigenvectors, n values each.
    private static (double[] U, double[] S) FromExampleGram(double[] x, int n, int d)
    {
        var gram = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<double> xi = x.AsSpan(i * d, d);
            for (int j = i; j < n; j++)
            {
                gram[(i * n) + j] = gram[(j * n) + i] = TensorPrimitives.Dot(xi, x.AsSpan(j * d, d));
            }
        }

        var (vectors, values, kept) = Decompose(gram, n);
        var u = new double[n * kept.Length];
        for (int c = 0; c < kept.Length; c++)
        {
            for (int i = 0; i < n; i++)
            {
                u[(i * kept.Length) + c] = vectors[(kept[c] * n) + i];
            }
        }

        return (u, [.. kept.Select(j => values[j])]);
    }

    // Xᵀ X = V S Vᵀ, then U = X V S^{-1/2}: one dot product of a row of X with each kept eigenvector.
    private static (double[] U, double[] S) FromFeatureGram(double[] x, int n, int d)
    {
        var gram = new double[d * d];
        for (int row = 0; row < n; row++)
        {
            ReadOnlySpan<double> xr = x.AsSpan(row * d, d);
            for (int i = 0; i < d; i++)
            {
                double xi = xr[i];
                if (xi != 0)
                {
                    Span<double> upper = gram.AsSpan((i * d) + i, d - i);
                    TensorPrimitives.MultiplyAdd(xr[i..], xi, upper, upper);
                }
            }
        }

        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < i; j++)
            {
                gram[(i * d) + j] = gram[(j * d) + i];
            }
        }

        var (vectors, values, kept) = Decompose(gram, d);
        int r = kept.Length;
        var scaledVectors = new double[r * d];
        for (int c = 0; c < r; c++)
        {
            TensorPrimitives.Multiply(vectors.AsSpan(kept[c] * d, d), 1 / Math.Sqrt(values[kept[c]]), scaledVectors.AsSpan(c * d, d));
        }

        var u = new double[n * r];
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<double> xi = x.AsSpan(i * d, d);
            for (int c = 0; c < r; c++)
            {
                u[(i * r) + c] = TensorPrimitives.Dot(xi, scaledVectors.AsSpan(c * d, d));
            }
        }

        return (u, [.. kept.Select(j => values[j])]);
    }

    // The eigenvectors (column by column, each contiguous), the eigenvalues, and which are kept.
    private static (double[] Vectors, double[] Values, int[] Kept) Decompose(double[] symmetric, int size)
    {
        var evd = Matrix<double>.Build.Dense(size, size, symmetric).Evd(Symmetricity.Symmetric);
        var values = evd.EigenValues.Select(v => v.Real).ToArray();
        double largest = values.Length == 0 ? 0 : values.Max();
        var kept = Enumerable.Range(0, size).Where(j => values[j] > largest * RelativeEigenvalueFloor && values[j] > 0).ToArray();
        return (evd.EigenVectors.ToColumnMajorArray(), values, kept);
    }
}

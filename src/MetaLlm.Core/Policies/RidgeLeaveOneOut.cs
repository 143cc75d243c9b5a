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

    private readonly Matrix<double> _u;            // n × r
    private readonly Matrix<double> _uSquared;     // n × r
    private readonly double[] _eigenvalues;        // r
    private readonly Matrix<double> _y;            // n × k
    private readonly double[] _targets;            // the same, column by column
    private readonly Matrix<double> _projected;    // Uᵀ y, r × k

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
        int k = targetCount;

        // MathNet stores matrices column by column.
        var columns = new double[n * d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++)
            {
                columns[(j * n) + i] = contexts[(i * d) + j];
            }
        }

        var x = Matrix<double>.Build.Dense(n, d, columns);
        (_u, _eigenvalues) = n <= d ? FromExampleGram(x) : FromFeatureGram(x);

        var yColumns = new double[n * k];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < k; j++)
            {
                yColumns[(j * n) + i] = targets[(i * k) + j];
            }
        }

        _targets = yColumns;
        _y = Matrix<double>.Build.Dense(n, k, yColumns);
        _projected = _u.TransposeThisAndMultiply(_y);
        _uSquared = _u.PointwiseMultiply(_u);
    }

    /// <summary>Computes every target's mean squared leave-one-out error at one penalty.</summary>
    /// <param name="penalty">The ridge penalty; positive.</param>
    /// <returns>One error per target.</returns>
    public double[] MeanSquaredErrors(double penalty)
    {
        int n = _y.RowCount;
        int k = _y.ColumnCount;
        int r = _eigenvalues.Length;
        var shrink = Vector<double>.Build.Dense(r);
        for (int j = 0; j < r; j++)
        {
            shrink[j] = _eigenvalues[j] / (_eigenvalues[j] + penalty);
        }

        var leverage = (_uSquared * shrink).ToArray();   // Hᵢᵢ
        var scaled = Matrix<double>.Build.Dense(r, k, (j, t) => _projected[j, t] * shrink[j]);
        var fitted = (_u * scaled).ToColumnMajorArray();
        var y = _targets;
        var errors = new double[k];
        for (int t = 0; t < k; t++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                double error = (y[(t * n) + i] - fitted[(t * n) + i]) / (1 - leverage[i]);
                sum += error * error;
            }

            errors[t] = sum / n;
        }

        return errors;
    }

    private static (Matrix<double> U, double[] S) FromExampleGram(Matrix<double> x)
    {
        var evd = x.TransposeAndMultiply(x).Evd(Symmetricity.Symmetric);
        var kept = Kept(evd.EigenValues);
        var u = Matrix<double>.Build.Dense(x.RowCount, kept.Length);
        var s = new double[kept.Length];
        for (int j = 0; j < kept.Length; j++)
        {
            s[j] = evd.EigenValues[kept[j]].Real;
            u.SetColumn(j, evd.EigenVectors.Column(kept[j]));
        }

        return (u, s);
    }

    private static (Matrix<double> U, double[] S) FromFeatureGram(Matrix<double> x)
    {
        var evd = x.TransposeThisAndMultiply(x).Evd(Symmetricity.Symmetric);
        var kept = Kept(evd.EigenValues);
        var v = Matrix<double>.Build.Dense(x.ColumnCount, kept.Length);
        var s = new double[kept.Length];
        for (int j = 0; j < kept.Length; j++)
        {
            s[j] = evd.EigenValues[kept[j]].Real;
            v.SetColumn(j, evd.EigenVectors.Column(kept[j]) / Math.Sqrt(s[j]));
        }

        return (x * v, s);
    }

    private static int[] Kept(Vector<System.Numerics.Complex> eigenvalues)
    {
        double largest = 0;
        foreach (var value in eigenvalues)
        {
            largest = Math.Max(largest, value.Real);
        }

        var kept = new List<int>();
        for (int j = 0; j < eigenvalues.Count; j++)
        {
            if (eigenvalues[j].Real > largest * RelativeEigenvalueFloor && eigenvalues[j].Real > 0)
            {
                kept.Add(j);
            }
        }

        return [.. kept];
    }
}

using MathNet.Numerics.LinearAlgebra;

namespace MetaLlm.Tests;

/// <summary>
/// The reference ridge regression the policies must agree with, solved from scratch with MathNet:
/// <c>A = XᵀX + λI</c>, <c>θ = A⁻¹Xᵀy</c>.
/// </summary>
internal sealed class ClosedFormRidge
{
    public ClosedFormRidge(IReadOnlyList<double[]> contexts, IReadOnlyList<double> rewards, int dimension, double regularization)
    {
        var x = contexts.Count == 0
            ? Matrix<double>.Build.Dense(1, dimension)
            : Matrix<double>.Build.DenseOfRowArrays(contexts);
        var y = contexts.Count == 0 ? Vector<double>.Build.Dense(1) : Vector<double>.Build.DenseOfEnumerable(rewards);
        Gram = (x.TransposeThisAndMultiply(x)) + Matrix<double>.Build.DenseIdentity(dimension).Multiply(regularization);
        Targets = x.TransposeThisAndMultiply(y);
        Weights = Gram.Solve(Targets);
        Inverse = Gram.Inverse();
    }

    /// <summary>Gets <c>XᵀX + λI</c>.</summary>
    public Matrix<double> Gram { get; }

    /// <summary>Gets <c>Xᵀy</c>.</summary>
    public Vector<double> Targets { get; }

    /// <summary>Gets θ.</summary>
    public Vector<double> Weights { get; }

    /// <summary>Gets <c>A⁻¹</c>.</summary>
    public Matrix<double> Inverse { get; }

    /// <summary>Gets <c>sqrt(xᵀA⁻¹x)</c>.</summary>
    public double Width(double[] context)
    {
        var x = Vector<double>.Build.DenseOfArray(context);
        return Math.Sqrt(x.DotProduct(Inverse.Multiply(x)));
    }

    /// <summary>Gets <c>xᵀθ</c>.</summary>
    public double Predict(double[] context) => Vector<double>.Build.DenseOfArray(context).DotProduct(Weights);

    /// <summary>Fits one reference model per arm from a log of (arm, context, reward).</summary>
    public static ClosedFormRidge[] PerArm(IReadOnlyList<(int Arm, float[] Context, double Reward)> log, int armCount, int dimension, double regularization) =>
        Enumerable.Range(0, armCount)
            .Select(arm =>
            {
                var rows = log.Where(e => e.Arm == arm).ToList();
                return new ClosedFormRidge(rows.Select(r => Widen(r.Context)).ToList(), rows.Select(r => r.Reward).ToList(), dimension, regularization);
            })
            .ToArray();

    /// <summary>Widens a float context to double exactly as the policies do.</summary>
    public static double[] Widen(float[] context) => Array.ConvertAll(context, v => (double)v);
}

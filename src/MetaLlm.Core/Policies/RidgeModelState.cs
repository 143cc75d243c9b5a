namespace MetaLlm;

/// <summary>The additive, serialisable state of a <see cref="RidgeRegressionModel"/>.</summary>
/// <param name="Dimension">The number of features.</param>
/// <param name="Regularization">The ridge penalty λ included in <paramref name="Gram"/>'s diagonal.</param>
/// <param name="ObservationCount">The number of observations learned from.</param>
/// <param name="Gram"><c>A = λI + Σ x xᵀ</c>, row-major d×d.</param>
/// <param name="Targets"><c>b = Σ r x</c>.</param>
#pragma warning disable CA1819 // Properties should not return arrays: this is a plain serialisable value.
public sealed record RidgeModelState(int Dimension, double Regularization, long ObservationCount, double[] Gram, double[] Targets);
#pragma warning restore CA1819

namespace MetaLlm.Tests;

public class RidgeRegressionModelTests
{
    private const double Tolerance = 1e-9;

    [Theory]
    [InlineData(1, 1.0, 1)]
    [InlineData(8, 1.0, 300)]
    [InlineData(16, 0.25, 500)]
    [InlineData(33, 3.0, 20)]
    public void Sherman_Morrison_updates_equal_the_closed_form_ridge_solution(int dimension, double lambda, int observations)
    {
        var (contexts, rewards) = RandomData(seed: dimension * 1000 + observations, dimension, observations);
        var model = new RidgeRegressionModel(dimension, lambda);

        for (int n = 0; n < observations; n++)
        {
            model.Update(contexts[n], rewards[n]);
        }

        var reference = new ClosedFormRidge(contexts, rewards, dimension, lambda);
        model.ScoreWeights.ToArray().ShouldBeCloseTo(reference.Weights, Tolerance, "θ");
        model.Inverse.ToArray().ShouldBeCloseTo(reference.Inverse.ToRowMajorArray(), Tolerance, "A⁻¹");
        model.Gram.ToArray().ShouldBeCloseTo((reference.Gram - (lambda * MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseIdentity(dimension))).ToRowMajorArray(), Tolerance, "Σ x xᵀ, without the penalty");
        model.ScoreTargets.ToArray().ShouldBeCloseTo(reference.Targets, Tolerance, "b");
        model.ObservationCount.Should().Be(observations);
    }

    [Fact]
    public void A_batch_equals_the_closed_form_and_the_same_observations_added_one_by_one()
    {
        const int d = 12;
        var (contexts, rewards) = RandomData(seed: 7, d, 200);
        var (gram, targets) = Sums(contexts, rewards, d);
        var batch = new RidgeRegressionModel(d, 0.5);
        var online = new RidgeRegressionModel(d, 0.5);

        batch.AddBatch(gram, targets, new double[targets.Length], contexts.Count);
        for (int n = 0; n < contexts.Count; n++)
        {
            online.Update(contexts[n], rewards[n]);
        }

        var reference = new ClosedFormRidge(contexts, rewards, d, 0.5);
        batch.ScoreWeights.ToArray().ShouldBeCloseTo(reference.Weights, Tolerance, "batch θ");
        batch.Inverse.ToArray().ShouldBeCloseTo(reference.Inverse.ToRowMajorArray(), Tolerance, "batch A⁻¹");
        online.ScoreWeights.ToArray().ShouldBeCloseTo(batch.ScoreWeights.ToArray(), Tolerance, "online θ vs batch θ");
        online.Inverse.ToArray().ShouldBeCloseTo(batch.Inverse.ToArray(), Tolerance, "online A⁻¹ vs batch A⁻¹");
        batch.ObservationCount.Should().Be(online.ObservationCount);
    }

    [Fact]
    public void Updates_after_a_batch_still_equal_the_closed_form_on_all_observations()
    {
        const int d = 10;
        var (contexts, rewards) = RandomData(seed: 11, d, 150);
        var (gram, targets) = Sums(contexts.Take(100).ToList(), rewards.Take(100).ToList(), d);
        var model = new RidgeRegressionModel(d, 1.0);

        model.AddBatch(gram, targets, new double[targets.Length], 100);
        for (int n = 100; n < 150; n++)
        {
            model.Update(contexts[n], rewards[n]);
        }

        model.ScoreWeights.ToArray().ShouldBeCloseTo(new ClosedFormRidge(contexts, rewards, d, 1.0).Weights, Tolerance, "θ");
    }

    [Fact]
    public void Predict_and_QuadraticForm_equal_the_closed_form_prediction_and_squared_width()
    {
        const int d = 9;
        var (contexts, rewards) = RandomData(seed: 3, d, 40);
        var model = new RidgeRegressionModel(d, 2.0);
        for (int n = 0; n < contexts.Count; n++)
        {
            model.Update(contexts[n], rewards[n]);
        }

        var reference = new ClosedFormRidge(contexts, rewards, d, 2.0);
        var (probes, _) = RandomData(seed: 4, d, 10);
        foreach (var x in probes)
        {
            model.Predict(x).Should().BeApproximately(reference.Predict(x), Tolerance);
            Math.Sqrt(model.QuadraticForm(x)).Should().BeApproximately(reference.Width(x), Tolerance);
        }
    }

    [Fact]
    public void A_new_model_predicts_zero_with_the_prior_width()
    {
        var model = new RidgeRegressionModel(4, 0.5);
        double[] x = [1, 2, 0, -2];

        model.ScoreWeights.ToArray().Should().OnlyContain(w => w == 0);
        model.Predict(x).Should().Be(0);
        model.QuadraticForm(x).Should().BeApproximately((1 + 4 + 4) / 0.5, 1e-12);
        model.ObservationCount.Should().Be(0);
    }

    [Fact]
    public void Exported_state_imports_into_a_fresh_model_with_the_same_weights()
    {
        const int d = 6;
        var (contexts, rewards) = RandomData(seed: 5, d, 30);
        var model = new RidgeRegressionModel(d, 1.0);
        for (int n = 0; n < contexts.Count; n++)
        {
            model.Update(contexts[n], rewards[n]);
        }

        var copy = new RidgeRegressionModel(d, 1.0);
        var statistics = new ArmStatistics(d);
        model.ExportTo(statistics);
        copy.ImportFrom(statistics);

        copy.ScoreWeights.ToArray().ShouldBeCloseTo(model.ScoreWeights.ToArray(), Tolerance, "imported θ");
        copy.Inverse.ToArray().ShouldBeCloseTo(model.Inverse.ToArray(), Tolerance, "imported A⁻¹");
        copy.ObservationCount.Should().Be(30);
    }

    [Theory]
    [InlineData(0, 1.0, "dimension")]
    [InlineData(3, 0.0, "regularization")]
    [InlineData(3, -1.0, "regularization")]
    [InlineData(3, double.NaN, "regularization")]
    [InlineData(3, double.PositiveInfinity, "regularization")]
    public void Invalid_construction_is_rejected_naming_the_argument(int dimension, double lambda, string parameter)
    {
        var act = () => new RidgeRegressionModel(dimension, lambda);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(parameter);
    }

    [Fact]
    public void Bad_observations_are_rejected_and_leave_the_model_unchanged()
    {
        var model = new RidgeRegressionModel(3, 1.0);
        model.Update([1, 0, 1], 0.5);
        var before = Export(model);

        model.Invoking(m => m.Update([1, 0], 0.5)).Should().Throw<ArgumentException>().WithParameterName("context");
        model.Invoking(m => m.Update([1, 0, 1], double.NaN)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("score");
        model.Invoking(m => m.Update([1, 0, 1], double.NegativeInfinity)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("score");
        model.Invoking(m => m.Update([1, 0, 1], 0.5, double.NaN)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("outputTokens");
        model.Invoking(m => m.AddBatch(new double[4], new double[3], new double[3], 1)).Should().Throw<ArgumentException>();
        model.Invoking(m => m.ImportFrom(new ArmStatistics(2))).Should().Throw<ArgumentException>().WithParameterName("statistics");
        var notPositiveDefinite = new ArmStatistics(3);
        notPositiveDefinite.Gram[0] = -5;
        model.Invoking(m => m.ImportFrom(notPositiveDefinite)).Should().Throw<ArgumentException>().WithMessage("*not positive definite*");

        new[] { Export(model) }.ShouldBeSameStateAs([before]);
        model.Predict([1, 0, 1]).Should().BeApproximately(new ClosedFormRidge([[1, 0, 1]], [0.5], 3, 1.0).Predict([1, 0, 1]), Tolerance);
    }

    internal static (List<double[]> Contexts, List<double> Rewards) RandomData(int seed, int dimension, int count)
    {
        var random = new Random(seed);
        var contexts = new List<double[]>();
        var rewards = new List<double>();
        for (int n = 0; n < count; n++)
        {
            // Float-representable values, so the same data can feed the float-based policy API exactly.
            contexts.Add(Enumerable.Range(0, dimension).Select(_ => (double)(float)((random.NextDouble() * 2) - 1)).ToArray());
            rewards.Add(random.NextDouble());
        }

        return (contexts, rewards);
    }

    private static (double[] Gram, double[] Targets) Sums(IReadOnlyList<double[]> contexts, IReadOnlyList<double> rewards, int d)
    {
        var gram = new double[d * d];
        var targets = new double[d];
        for (int n = 0; n < contexts.Count; n++)
        {
            for (int i = 0; i < d; i++)
            {
                targets[i] += rewards[n] * contexts[n][i];
                for (int j = 0; j < d; j++)
                {
                    gram[(i * d) + j] += contexts[n][i] * contexts[n][j];
                }
            }
        }

        return (gram, targets);
    }

    private static ArmStatistics Export(RidgeRegressionModel model)
    {
        var statistics = new ArmStatistics(model.Dimension);
        model.ExportTo(statistics);
        return statistics;
    }
}
